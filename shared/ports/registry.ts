/** Artifact Registry repositories, in domain terms. */
export interface RepositorySpec {
  id: string;
  location: string;
  format: 'DOCKER';
  description?: string;
  labels: Record<string, string>;
}

export interface Repository extends RepositorySpec {
  /** projects/{p}/locations/{l}/repositories/{id} */
  name: string;
  createTime?: Date;
}

export interface Registry {
  getRepository(location: string, id: string): Promise<Repository | null>;
  listRepositories(location: string): Promise<Repository[]>;
  /** Waits for the long-running operation. */
  createRepository(spec: RepositorySpec): Promise<Repository>;
  /** Waits for the long-running operation. */
  deleteRepository(location: string, id: string): Promise<void>;
}
