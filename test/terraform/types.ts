/**
 * Terraform type constraints (`string`, `list(object({ a = string, b = optional(number, 3) }))`, …)
 * parsed from the HCL text and checked against tfvars values. The check is stricter than
 * Terraform's conversion rules on purpose: a number given as "5" or an unknown object
 * attribute is reported, because in a tfvars file they are always a mistake.
 */

export type TfType =
  | { kind: 'string' | 'number' | 'bool' | 'any' }
  | { kind: 'list' | 'set' | 'map'; element: TfType }
  | { kind: 'tuple'; elements: TfType[] }
  | { kind: 'object'; attributes: Record<string, { type: TfType; optional: boolean }> };

class TypeParser {
  private pos = 0;
  constructor(private readonly src: string) {}

  parseAll(): TfType {
    const t = this.type();
    this.skipWs();
    if (this.pos !== this.src.length) this.fail('unexpected trailing text');
    return t;
  }

  private fail(msg: string): never {
    throw new Error(`type constraint "${this.src}": ${msg} at offset ${this.pos}`);
  }

  private eat(ch: string): void {
    this.skipWs();
    if (this.src[this.pos] !== ch) this.fail(`expected "${ch}"`);
    this.pos++;
  }

  private skipWs(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos])) this.pos++;
  }

  private ident(): string {
    this.skipWs();
    const m = /^[A-Za-z_][\w-]*/.exec(this.src.slice(this.pos));
    if (!m) this.fail('expected a type name');
    this.pos += m[0].length;
    return m[0];
  }

  private peek(): string {
    this.skipWs();
    return this.src[this.pos] ?? '';
  }

  type(): TfType {
    const name = this.ident();
    switch (name) {
      case 'string':
      case 'number':
      case 'bool':
      case 'any':
        return { kind: name };
      case 'list':
      case 'set':
      case 'map': {
        this.eat('(');
        const element = this.type();
        this.eat(')');
        return { kind: name, element };
      }
      case 'tuple': {
        this.eat('(');
        this.eat('[');
        const elements: TfType[] = [];
        while (this.peek() !== ']') {
          elements.push(this.type());
          if (this.peek() === ',') this.pos++;
        }
        this.eat(']');
        this.eat(')');
        return { kind: 'tuple', elements };
      }
      case 'object': {
        this.eat('(');
        this.eat('{');
        const attributes: Record<string, { type: TfType; optional: boolean }> = {};
        while (this.peek() !== '}') {
          const attr = this.ident();
          this.eat('=');
          attributes[attr] = this.attributeType();
          if (this.peek() === ',') this.pos++;
        }
        this.eat('}');
        this.eat(')');
        return { kind: 'object', attributes };
      }
      default:
        this.fail(`unknown type "${name}"`);
    }
  }

  private attributeType(): { type: TfType; optional: boolean } {
    this.skipWs();
    if (!this.src.startsWith('optional', this.pos)) return { type: this.type(), optional: false };
    this.ident();
    this.eat('(');
    const type = this.type();
    if (this.peek() === ',') {
      // The default value is not needed to check a tfvars value; skip to the closing paren.
      let depth = 0;
      for (; this.pos < this.src.length; this.pos++) {
        const c = this.src[this.pos];
        if ('([{'.includes(c)) depth++;
        else if (')]}'.includes(c)) {
          if (depth === 0) break;
          depth--;
        }
      }
    }
    this.eat(')');
    return { type, optional: true };
  }
}

/** Parses the `type` attribute as hcl2json renders it (`${list(string)}`). */
export function parseType(raw: string): TfType {
  const src = raw.startsWith('${') && raw.endsWith('}') ? raw.slice(2, -1) : raw;
  return new TypeParser(src.trim()).parseAll();
}

/** Problems of a value against a type, each naming the offending path. */
export function typeErrors(value: unknown, type: TfType, path: string): string[] {
  switch (type.kind) {
    case 'any':
      return [];
    case 'string':
      return typeof value === 'string' ? [] : [`${path}: expected a string, got ${describe(value)}`];
    case 'number':
      return typeof value === 'number' ? [] : [`${path}: expected a number, got ${describe(value)}`];
    case 'bool':
      return typeof value === 'boolean' ? [] : [`${path}: expected a bool, got ${describe(value)}`];
    case 'list':
    case 'set':
      if (!Array.isArray(value)) return [`${path}: expected a ${type.kind}, got ${describe(value)}`];
      return value.flatMap((v, i) => typeErrors(v, type.element, `${path}[${i}]`));
    case 'tuple':
      if (!Array.isArray(value) || value.length !== type.elements.length) {
        return [`${path}: expected a tuple of ${type.elements.length} elements, got ${describe(value)}`];
      }
      return value.flatMap((v, i) => typeErrors(v, type.elements[i], `${path}[${i}]`));
    case 'map':
      if (!isPlainObject(value)) return [`${path}: expected a map, got ${describe(value)}`];
      return Object.entries(value).flatMap(([k, v]) => typeErrors(v, type.element, `${path}.${k}`));
    case 'object': {
      if (!isPlainObject(value)) return [`${path}: expected an object, got ${describe(value)}`];
      const errors: string[] = [];
      for (const [name, attr] of Object.entries(type.attributes)) {
        if (!(name in value)) {
          if (!attr.optional) errors.push(`${path}.${name}: required attribute is missing`);
          continue;
        }
        errors.push(...typeErrors(value[name], attr.type, `${path}.${name}`));
      }
      for (const name of Object.keys(value)) {
        if (!(name in type.attributes)) errors.push(`${path}.${name}: attribute is not part of the declared object type`);
      }
      return errors;
    }
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  if (typeof v === 'string') return `the string ${JSON.stringify(v)}`;
  return `${typeof v} ${JSON.stringify(v)}`;
}
