// Svelte compiler options for the UI; TypeScript needs no preprocessor in Svelte 5.
export default {};
