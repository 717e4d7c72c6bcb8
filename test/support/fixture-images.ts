/**
 * The fixture images and OSV database live in src/demo/fixture-images.ts, since the demo of
 * `npm start` pushes and scans the same images; tests and benchmarks import them from here.
 */
export * from '../../src/demo/fixture-images.js';
