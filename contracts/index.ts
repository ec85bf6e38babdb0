/**
 * Browser-safe contracts shared by web/ and the server: schemas, ids and wire types.
 * Nothing here may import a server package (pg, express, socket.io, mediasoup, node:*); eslint enforces it.
 */
export * from './errors';
export * from './geo';
export * from './geocode';
export * from './routing';
export * from './about';
export * from './facilities';
export * from './identity';
export * from './realtime';
export * from './incidents';
export * from './analysis';
export * from './cases';
