package auth

import (
	"errors"
	"strings"

	"github.com/camket/camket/pkg/domain"
)

// Role is the domain's role: one list of roles for tokens, routes and
// events.
type Role = domain.Role

// The roles camket knows (see domain.Role).
const (
	RoleAdmin    = domain.RoleAdmin
	RoleOffice   = domain.RoleOffice
	RoleUnitHead = domain.RoleUnitHead
	RoleReporter = domain.RoleReporter
	RoleAuditor  = domain.RoleAuditor
	RoleViewer   = domain.RoleViewer
)

// Roles returns every role, in a stable order (for help text and menus).
func Roles() []Role { return append([]Role(nil), domain.Roles...) }

// Causes carried in the Err field of role and unit errors, so callers and
// tests can tell the refusals apart without reading messages.
var (
	errUnknownRole    = errors.New("unknown role")
	errUnitRequired   = errors.New("the role acts for one unit but no unit was given")
	errUnitNotAllowed = errors.New("the role is province-wide but a unit was given")
	errMalformedUnit  = errors.New("malformed unit code")
)

// ParseRole returns the Role named s (exactly as the constants spell it).
// For any other string it returns a *domain.Error with CodeInvalid on field
// "role".
func ParseRole(s string) (Role, error) {
	for _, r := range Roles() {
		if s == string(r) {
			return r, nil
		}
	}
	names := make([]string, 0, len(Roles()))
	for _, r := range Roles() {
		names = append(names, string(r))
	}
	list := strings.Join(names, ", ")
	return "", &domain.Error{Code: domain.CodeInvalid, Field: "role",
		VI:  "Vai trò không hợp lệ; chọn một trong: " + list,
		EN:  "unknown role; use one of: " + list,
		Err: errUnknownRole}
}

// CheckUnit returns unit normalized (domain.NormalizeUnitCode) when r acts
// for one unit (Role.UnitScoped), and "" when r is province-wide and unit is empty. It returns a
// *domain.Error with CodeInvalid on field "unit" when a unit-bound role has
// no unit or a malformed one, or a province-wide role has one.
func CheckUnit(r Role, unit string) (string, error) {
	unit = strings.TrimSpace(unit)
	switch {
	case r.UnitScoped() && unit == "":
		return "", &domain.Error{Code: domain.CodeInvalid, Field: "unit",
			VI:  "Vai trò " + string(r) + " phải gắn với một đơn vị (mã đơn vị)",
			EN:  "role " + string(r) + " needs a unit code",
			Err: errUnitRequired}
	case !r.UnitScoped() && unit != "":
		return "", &domain.Error{Code: domain.CodeInvalid, Field: "unit",
			VI:  "Vai trò " + string(r) + " áp dụng toàn tỉnh, không gắn với đơn vị",
			EN:  "role " + string(r) + " is province-wide and takes no unit code",
			Err: errUnitNotAllowed}
	case unit == "":
		return "", nil
	}
	code, derr := domain.NormalizeUnitCode("unit", unit)
	if derr != nil {
		c := *derr
		c.Err = errMalformedUnit
		return "", &c
	}
	return code, nil
}
