import { defineConfig } from "vite";

// Built into web/dist/ (git-ignored); the local dev server answers / and /assets/ from it.
export default defineConfig({
  base: "/",
  build: { outDir: "dist", emptyOutDir: true, assetsDir: "assets" },
});
