// esbuild's text loader turns imported .css files into strings that the webview injects with its nonce.
declare module '*.css' {
  const text: string;
  export default text;
}
