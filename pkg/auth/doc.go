// Package auth owns who may call camket: the roles (admin, office,
// unit_head, reporter, auditor, viewer) and which of them are tied to a unit,
// camket's own signing key (an Ed25519 key kept as a PKCS#8 PEM file), the
// bearer tokens camket issues (JWT, EdDSA), and their verification into a
// domain.Actor — for camket's own tokens and, optionally, for tokens from an
// external OpenID Connect issuer whose keys are fetched from its JWKS URL.
//
// Every refusal is a *domain.Error with CodeUnauthenticated and a Vietnamese
// and English message; the token itself never appears in an error.
//
// An OIDC token's "sub" becomes the actor's subject unchanged; its camket
// role and unit come from two configurable claims and obey the same rules as
// camket's own tokens (CheckUnit).
//
// This package imports the standard library (net/http only as a client for
// the JWK Set), pkg/domain, golang-jwt/jwt/v5, MicahParks/keyfunc and
// jwkset, golang.org/x/time/rate and google/uuid. It must not import HTTP frameworks
// (Echo), NATS, the event store or anything under services/: the HTTP layer
// reads the Authorization header and calls Verify; this package does not
// know where the token came from.
package auth
