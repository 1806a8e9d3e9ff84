import { storeContract } from './contract.fixture.js';
import { memoryStore } from './memory.js';

storeContract('memory:', async () => memoryStore());
