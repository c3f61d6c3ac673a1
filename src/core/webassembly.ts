/**
 * The parts of the WebAssembly global chaintrail uses (the compiler's Node library types declare none of it):
 * undefined where WebAssembly is off (`node --jitless`), and each user has a way without it.
 */
export interface WebAssemblyGlobal {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: { memory: { buffer: ArrayBuffer }; checksum: () => void } };
  Memory: new (descriptor: { initial: number }) => { readonly buffer: ArrayBuffer };
}

export const webAssembly = (globalThis as unknown as { WebAssembly?: WebAssemblyGlobal }).WebAssembly;
