/// <reference types="vite/client" />
// For `tsc -p web` (the .ts modules; Vite compiles the .vue files): a single-file component is a component.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
