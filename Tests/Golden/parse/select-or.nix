cfg: pkgs: {
  port = cfg.services.web.port or 8080;
  pkg = cfg.package or pkgs.hello;
  chain = cfg.a or cfg.b or cfg.c or null;
  dynamic = cfg.${pkgs.name} or { };
  quoted = cfg."foo-bar".baz;
  inArgs = builtins.toString cfg.x or "none";
  orAttr = cfg.or;
}
