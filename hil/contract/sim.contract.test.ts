/** The board contract against the in-process simulator (`sim:`, virtual time): always runs. */
import { defineContractSuite } from './contractSuite.ts';
import { openPort } from '../ports.ts';

defineContractSuite('sim: (in process, virtual time)', () => openPort('sim:'), { id: 0 });
defineContractSuite('sim: board 13 of the default stack, firmware v3', () => openPort('sim:', { profile: 'v3', seed: 7 }), { id: 13 });
