/** Public API of the model layer (encoders, rerankers, device choice, catalogue). */
export * from './types';
export { loadEncoder, pool, l2normalize } from './encoder';
export { loadReranker } from './reranker';
export { chooseDevice, detectProviders } from './device';
export type { DeviceDecision, Provider, ProviderInfo } from './device';
export { listModels, localModels, resolveModel, cataloguePresets, presetFromFolder, closeNames, DEMO_SOURCE_PREFIX } from './catalogue';
export type { ResolveOptions } from './catalogue';
export { defaultCacheDir, fileRevision, onnxFileFor } from './runtime';
export { countTokens, encodePair, encodeSingle } from './tokenize';
export { ensureDemoModels, setDemoModelGenerator } from './demo';
export type { DemoModelFolders, DemoModelGenerator, EnsureDemoModelsOptions } from './demo';
