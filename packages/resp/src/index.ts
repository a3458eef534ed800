export * from './reply.js';
