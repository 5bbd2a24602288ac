package domain

import (
	"regexp"
	"strings"
)

// UnitKind says what sort of body a unit is.
type UnitKind string

// The unit kinds camket knows.
const (
	KindDepartment UnitKind = "department" // sở, ban, ngành of the province
	KindAgency     UnitKind = "agency"     // vertically managed agency: Công an tỉnh, BHXH tỉnh
	KindOffice     UnitKind = "office"     // Văn phòng UBND tỉnh, Văn phòng Đoàn ĐBQH và HĐND
	KindDistrict   UnitKind = "district"   // UBND huyện, thị xã, thành phố
	KindCommune    UnitKind = "commune"    // UBND xã, phường, thị trấn
	KindMedia      UnitKind = "media"      // Đài Phát thanh – Truyền hình, Báo
	KindOther      UnitKind = "other"
)

// UnitKinds lists every UnitKind, in display order.
var UnitKinds = []UnitKind{KindDepartment, KindAgency, KindOffice, KindDistrict, KindCommune, KindMedia, KindOther}

// Valid reports whether k is one of UnitKinds.
func (k UnitKind) Valid() bool {
	for _, v := range UnitKinds {
		if v == k {
			return true
		}
	}
	return false
}

// unitCodePattern: upper-case letters, digits, '_' and '-'; a code is also a
// NATS subject token and part of a stream name, so no dots or spaces.
var unitCodePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$`)

// NormalizeUnitCode upper-cases code and checks its form; the error names
// field.
func NormalizeUnitCode(field, code string) (string, *Error) {
	c := strings.TrimSpace(code)
	if !unitCodePattern.MatchString(c) { // ASCII only: ToUpper must not turn 'ſ' into 'S
		return "", Invalid(field,
			"Mã đơn vị gồm 1–32 ký tự A–Z, 0–9, '_' hoặc '-'",
			"a unit code has 1–32 characters A–Z, 0–9, '_' or '-'")
	}
	return strings.ToUpper(c), nil
}

// UnitStream returns the stream name of the unit with code.
func UnitStream(code string) string { return "unit-" + code }

// UnitRegistered: a unit was added to the province's list.
type UnitRegistered struct {
	Code   string   `json:"code"`
	Name   string   `json:"name"`
	Kind   UnitKind `json:"kind"`
	Parent string   `json:"parent,omitempty"`
	Head   string   `json:"head,omitempty"`
}

// UnitRenamed: a unit got a new name; the old one stays in history.
type UnitRenamed struct {
	Name   string `json:"name"`
	Reason string `json:"reason,omitempty"`
}

// UnitHeadChanged: a unit has a new head (thủ trưởng).
type UnitHeadChanged struct {
	Head string `json:"head"`
}

func (UnitRegistered) EventType() string  { return "unit.registered" }
func (UnitRenamed) EventType() string     { return "unit.renamed" }
func (UnitHeadChanged) EventType() string { return "unit.head_changed" }

// UnitState is a unit as its events leave it.
type UnitState struct {
	Code   string   `json:"code"`
	Name   string   `json:"name"`
	Kind   UnitKind `json:"kind"`
	Parent string   `json:"parent,omitempty"`
	Head   string   `json:"head,omitempty"`
	// FormerNames lists earlier names, oldest first.
	FormerNames []string `json:"former_names,omitempty"`
	// SigningKeys lists the heads' registered keys, revoked ones included,
	// oldest first.
	SigningKeys []SigningKey `json:"signing_keys,omitempty"`
}

// Unit is the unit aggregate.
type Unit struct {
	s UnitState
}

// Exists reports whether the unit has been registered.
func (u *Unit) Exists() bool { return u.s.Code != "" }

// OwnerUnit returns the unit whose data this is: the unit itself.
func (u *Unit) OwnerUnit() string { return u.s.Code }

// State returns a copy of the unit's state.
func (u *Unit) State() UnitState {
	s := u.s
	s.FormerNames = append([]string(nil), u.s.FormerNames...)
	s.SigningKeys = append([]SigningKey(nil), u.s.SigningKeys...)
	return s
}

// RestoreUnit returns the unit a snapshot of its state describes.
func RestoreUnit(s UnitState) *Unit { return &Unit{s: s} }

// Apply evolves the unit by one event. It never fails.
func (u *Unit) Apply(r Recorded) {
	switch e := r.Event.(type) {
	case UnitRegistered:
		u.s = UnitState{Code: e.Code, Name: e.Name, Kind: e.Kind, Parent: e.Parent, Head: e.Head}
	case UnitRenamed:
		u.s.FormerNames = append(u.s.FormerNames, u.s.Name)
		u.s.Name = e.Name
	case UnitHeadChanged:
		u.s.Head = e.Head
	case SigningKeyRegistered, SigningKeyRevoked:
		u.applyKey(r)
	}
}

// RegisterUnit is the command to add a unit. Parent, when set, must be a
// registered unit: the caller checks that and passes parentExists.
type RegisterUnit struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Kind   string `json:"kind"`
	Parent string `json:"parent,omitempty"`
	Head   string `json:"head,omitempty"`
}

// Normalize cleans the command's text and checks its form, without looking
// at any state.
func (c RegisterUnit) Normalize() (RegisterUnit, *Error) {
	var err *Error
	if c.Code, err = NormalizeUnitCode("code", c.Code); err != nil {
		return c, err
	}
	if c.Name, err = CleanText("name", c.Name, MaxNameLen, true); err != nil {
		return c, err
	}
	if !UnitKind(c.Kind).Valid() {
		return c, Invalid("kind", "Loại đơn vị không hợp lệ", "unknown unit kind")
	}
	if c.Parent != "" {
		if c.Parent, err = NormalizeUnitCode("parent", c.Parent); err != nil {
			return c, err
		}
		if c.Parent == c.Code {
			return c, Invalid("parent", "Đơn vị không thể là cấp trên của chính nó", "a unit cannot be its own parent")
		}
	}
	if c.Head, err = CleanText("head", c.Head, MaxNameLen, false); err != nil {
		return c, err
	}
	return c, nil
}

// Register decides the registration of a new unit.
func (u *Unit) Register(cmd RegisterUnit) ([]Event, error) {
	cmd, err := cmd.Normalize()
	if err != nil {
		return nil, err
	}
	if u.Exists() {
		return nil, &Error{Code: CodeConflict, Field: "code",
			VI: "Mã đơn vị đã tồn tại", EN: "a unit with this code already exists"}
	}
	return []Event{UnitRegistered{Code: cmd.Code, Name: cmd.Name, Kind: UnitKind(cmd.Kind), Parent: cmd.Parent, Head: cmd.Head}}, nil
}

// RenameUnit is the command to give a unit a new name.
type RenameUnit struct {
	Name   string `json:"name"`
	Reason string `json:"reason,omitempty"`
}

// Rename decides a new name. Renaming to the same name is a no-op (no event).
func (u *Unit) Rename(cmd RenameUnit) ([]Event, error) {
	if !u.Exists() {
		return nil, NotFound("", "Không tìm thấy đơn vị", "unit not found")
	}
	name, err := CleanText("name", cmd.Name, MaxNameLen, true)
	if err != nil {
		return nil, err
	}
	reason, err := CleanText("reason", cmd.Reason, MaxNoteLen, false)
	if err != nil {
		return nil, err
	}
	if name == u.s.Name {
		return nil, nil
	}
	return []Event{UnitRenamed{Name: name, Reason: reason}}, nil
}

// ChangeUnitHead is the command to record a new head of unit.
type ChangeUnitHead struct {
	Head string `json:"head"`
}

// ChangeHead decides a new head. The same head again is a no-op.
func (u *Unit) ChangeHead(cmd ChangeUnitHead) ([]Event, error) {
	if !u.Exists() {
		return nil, NotFound("", "Không tìm thấy đơn vị", "unit not found")
	}
	head, err := CleanText("head", cmd.Head, MaxNameLen, true)
	if err != nil {
		return nil, err
	}
	if head == u.s.Head {
		return nil, nil
	}
	return []Event{UnitHeadChanged{Head: head}}, nil
}
