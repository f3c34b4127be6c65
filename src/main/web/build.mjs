// Bundles src/ into the server's classpath folder `web/` (target/classes/web), where Helidon serves it at `/`.
// WEB_SOURCEMAP=1 adds app.js.map (for debugging; never in a jar that is shipped).
import { build } from "esbuild";
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(here, process.env.WEB_OUT ?? "../../../target/classes/web");

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [resolve(here, "src/main.js")],
  bundle: true,
  format: "esm",
  minify: process.env.WEB_MINIFY !== "0",
  // the server serves everything in web/ to anyone: a source map only for a local debugging build
  sourcemap: process.env.WEB_SOURCEMAP === "1",
  target: ["es2020"],
  outfile: resolve(out, "app.js"),
  logLevel: "warning",
});
cpSync(resolve(here, "static"), out, { recursive: true });
console.log(`web client built into ${out}`);
