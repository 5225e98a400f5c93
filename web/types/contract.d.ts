// Types the web UI's JavaScript is checked against (JSDoc, `// @ts-check`), drawn from the
// contract: api.d.ts is generated from api/openapi.yaml by `make lint` (openapi-typescript).
import type { paths, components } from './api';

export type Schemas = components['schemas'];

// Paths is every path template of the contract (/applications/{id}).
export type Paths = keyof paths;

// Ok is the JSON a GET of a path answers when it succeeds.
export type Ok<P extends Paths> = paths[P] extends { get: { responses: { 200: { content: { 'application/json': infer T } } } } } ? T : never;

// Rules is the process's words and rules (GET /process), which every page reads.
export type Rules = Ok<'/process'>;
