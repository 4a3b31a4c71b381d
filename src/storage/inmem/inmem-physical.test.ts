// src/storage/inmem — InmemPhysical runs the shared conformance suite.
import { InmemPhysical } from './inmem-physical.js';
import { runStorageConformance } from '../conformance.js';

runStorageConformance('inmem', async () => {
  const storage = new InmemPhysical();
  return { storage, cleanup: () => storage.close() };
});
