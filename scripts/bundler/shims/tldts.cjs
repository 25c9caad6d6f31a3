// Trick 11: tldts (the public-suffix list, ~102 KB and ~70 ms of module compile) → the hostname itself.
// supertokens-node calls `parse(hostname, { allowPrivateDomains: true }).domain` only in
// utils.getTopLevelDomainForSameSiteResolution, and only for hostnames that are neither localhost nor
// an IPv4 address (those it maps to "localhost" first). The result matters in two places:
// the default cookieSameSite (never used: src/supertokens.ts always passes `cookieSameSite`) and the
// "both domains are localhost/IP" test that allows insecure SameSite=none cookies, for which any
// non-empty domain that is not "localhost" answers the same as the real registrable domain.
const IPV4 = /^(\d{1,3}\.){3}\d{1,3}$/;

function parse(hostname) {
  const host = String(hostname);
  const isIp = IPV4.test(host) || host.includes(":");
  return {
    domain: host,
    domainWithoutSuffix: null,
    hostname: host,
    isIcann: null,
    isIp,
    isPrivate: null,
    publicSuffix: null,
    subdomain: null,
  };
}

module.exports = { parse };
