/** @type {import('next').NextConfig} */
const nextConfig = {
  // PGlite loads its WASM and data files by path; bundling it breaks that
  // ("The "path" argument must be of type string ... Received an instance of URL").
  serverExternalPackages: ["@electric-sql/pglite", "@react-pdf/renderer"],
  typedRoutes: false,
  poweredByHeader: false,
};

export default nextConfig;
