package domain

// Role is what an actor may do in camket.
type Role string

// The roles. Unit heads and reporters act for one unit; the others are
// province-wide.
const (
	RoleAdmin    Role = "admin"     // everything, including rules and users
	RoleOffice   Role = "office"    // provincial office: plans, assignments, verification, rules
	RoleUnitHead Role = "unit_head" // own unit: sign, report, request extensions
	RoleReporter Role = "reporter"  // own unit: report; cannot sign
	RoleAuditor  Role = "auditor"   // reads everything, writes nothing
	RoleViewer   Role = "viewer"    // the board only
)

// Roles lists every role.
var Roles = []Role{RoleAdmin, RoleOffice, RoleUnitHead, RoleReporter, RoleAuditor, RoleViewer}

// UnitScoped reports whether the role acts for one unit only.
func (r Role) UnitScoped() bool { return r == RoleUnitHead || r == RoleReporter }

// ActsFor reports whether a may act on unit's data: province-wide roles may,
// unit-scoped roles only for their own unit.
func (a Actor) ActsFor(unit string) bool {
	return !Role(a.Role).UnitScoped() || (a.Unit != "" && a.Unit == unit)
}

// ErrOtherUnit is the refusal when a unit-scoped actor touches another
// unit's data.
func ErrOtherUnit() *Error {
	return Forbidden("Bạn chỉ được thao tác trên dữ liệu của đơn vị mình", "you may only act on your own unit's data")
}
