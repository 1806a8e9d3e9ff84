// The public surface of engine/: choosing the backend (the kernel fixes install themselves) and
// the seeded generator. Importing it registers the gradients tfjs-core lacks.
import './gradients.js';

export { Rng, type RngState } from './rng.js';
export {
  useBestBackend,
  useBackend,
  backendInfo,
  BACKEND_NAMES,
  type BackendName,
  type BackendOptions,
  type BackendInfo,
} from './backend.js';
