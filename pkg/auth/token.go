package auth

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	// golang-jwt/jwt is the maintained successor of dgrijalva/jwt-go, widely
	// used and actively kept (v5: algorithm allow-lists, strict base64,
	// required exp, leeway). We sign and parse JWTs with it rather than by hand.
	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"github.com/camket/camket/pkg/domain"
)

// Issuer and Audience are the "iss" and "aud" of every token camket issues;
// Verify requires both on camket's own tokens.
const (
	Issuer   = "camket"
	Audience = "camket"
)

// The bounds of a token's lifetime accepted by Issue.
const (
	MinTTL = time.Minute
	MaxTTL = 400 * 24 * time.Hour
)

// maxSubjectLen bounds the "sub" claim of issued tokens, in bytes.
const maxSubjectLen = 256

// Issue returns a JWT signed with k (EdDSA, header "kid" = k.KeyID()) that
// names subject acting as role for unit (empty for province-wide roles),
// valid from now for ttl. Its claims are iss, aud (["camket"]), sub, role,
// unit (omitted when empty), iat, nbf, exp and a random UUID jti. It returns
// a *domain.Error with CodeInvalid when subject is empty, too long or has
// control characters, role is unknown, unit does not fit role (see
// CheckUnit), or ttl is outside MinTTL..MaxTTL.
func (k *Keys) Issue(subject string, role Role, unit string, ttl time.Duration, now time.Time) (string, error) {
	subject = strings.TrimSpace(subject)
	if err := checkSubject(subject); err != nil {
		return "", err
	}
	if _, err := ParseRole(string(role)); err != nil {
		return "", err
	}
	unit, err := CheckUnit(role, unit)
	if err != nil {
		return "", err
	}
	if ttl < MinTTL || ttl > MaxTTL {
		return "", domain.Invalid("ttl",
			"Thời hạn của mã truy cập phải từ 1 phút đến 400 ngày",
			"a token's lifetime must be between 1 minute and 400 days")
	}
	// MapClaims, not RegisteredClaims: "aud" is then an array whatever
	// jwt.MarshalSingleStringAsArray (a package global) says.
	claims := jwt.MapClaims{
		"iss":  Issuer,
		"aud":  []string{Audience},
		"sub":  subject,
		"role": string(role),
		"iat":  now.Unix(),
		"nbf":  now.Unix(),
		"exp":  now.Add(ttl).Unix(),
		"jti":  uuid.NewString(),
	}
	if unit != "" {
		claims["unit"] = unit
	}
	token := jwt.NewWithClaims(jwt.SigningMethodEdDSA, claims)
	token.Header["kid"] = k.kid
	signed, err := token.SignedString(k.private)
	if err != nil {
		return "", domain.Internal(err, "auth: signing token")
	}
	return signed, nil
}

// checkSubject returns a CodeInvalid error unless subject is a non-empty,
// valid UTF-8 name of at most maxSubjectLen bytes without control characters.
func checkSubject(subject string) error {
	bad := subject == "" || len(subject) > maxSubjectLen || !utf8.ValidString(subject) ||
		strings.IndexFunc(subject, unicode.IsControl) >= 0
	if bad {
		return domain.Invalid("subject",
			fmt.Sprintf("Tên người dùng (subject) phải có từ 1 đến %d byte, không chứa ký tự điều khiển", maxSubjectLen),
			fmt.Sprintf("the subject must be 1 to %d bytes without control characters", maxSubjectLen))
	}
	return nil
}
