// Public surface of the expression engine.
export { asDottedName, type Ast, type BinaryOp } from './ast.ts';
export { expressionBody, isExpression, MAX_EXPRESSION_LENGTH, parseAssignTarget, parseExpression } from './parser.ts';
export { checkArity, evaluate, evaluateSync, evaluateTemplate, isSyncExpression, type EvalScope } from './evaluate.ts';
