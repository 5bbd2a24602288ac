package domain

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the Asia/Ho_Chi_Minh zone must work on machines without tzdata
)

// Location is Asia/Ho_Chi_Minh, the calendar every camket date lives in.
var Location = mustLoadLocation()

func mustLoadLocation() *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		// Vietnam has kept UTC+7 without DST since 1975; tzdata is embedded,
		// so this is unreachable, but a fixed zone is the same answer.
		return time.FixedZone("ICT", 7*3600)
	}
	return loc
}

// Date is a calendar day in Asia/Ho_Chi_Minh. The zero Date means "no date".
// In JSON it is an ISO 8601 string "2021-06-30".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// Years a date may fall in; anything outside is a typing mistake.
const (
	MinYear = 1945
	MaxYear = 2200
)

// NewDate returns the date y-m-d; it does not validate (see ParseDate).
func NewDate(y int, m time.Month, d int) Date { return Date{y, m, d} }

// DateOf returns the Asia/Ho_Chi_Minh calendar day of the instant t.
func DateOf(t time.Time) Date {
	y, m, d := t.In(Location).Date()
	return Date{y, m, d}
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// Start returns the instant 00:00:00 of d in Asia/Ho_Chi_Minh.
func (d Date) Start() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, Location) }

// End returns the last instant of d in Asia/Ho_Chi_Minh (23:59:59.999999999):
// a deadline "30/6/2021" is met by anything at or before End.
func (d Date) End() time.Time { return d.AddDays(1).Start().Add(-time.Nanosecond) }

// AddDays returns d moved by n days.
func (d Date) AddDays(n int) Date {
	t := time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC)
	return Date{t.Year(), t.Month(), t.Day()}
}

// DaysUntil returns the number of calendar days from d to e (negative when e
// is before d).
func (d Date) DaysUntil(e Date) int {
	a := time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC)
	b := time.Date(e.Year, e.Month, e.Day, 12, 0, 0, 0, time.UTC)
	return int(b.Sub(a).Round(24*time.Hour) / (24 * time.Hour))
}

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return cmpInt(d.Year, e.Year)
	case d.Month != e.Month:
		return cmpInt(int(d.Month), int(e.Month))
	default:
		return cmpInt(d.Day, e.Day)
	}
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// String returns d as ISO 8601 (2021-06-30), or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// Display returns d as Vietnamese readers write it: 30/06/2021.
func (d Date) Display() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%02d/%02d/%04d", d.Day, d.Month, d.Year)
}

// MarshalJSON writes d as an ISO 8601 string, or null for the zero Date.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + d.String() + `"`), nil
}

// UnmarshalJSON reads a date in any form ParseDate accepts, or null.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a date must be a string: %w", err)
	}
	v, err := ParseDate("", s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// ParseDate reads a date written as ISO 8601 (2021-06-30, or a full
// timestamp whose Asia/Ho_Chi_Minh day is taken) or as dd/mm/yyyy (30/6/2021,
// 30-06-2021, 30.06.2021). It refuses impossible days (31/02) and years
// outside MinYear..MaxYear; the error names field.
func ParseDate(field, s string) (Date, *Error) {
	s = strings.TrimSpace(s)
	bad := func() (Date, *Error) {
		return Date{}, Invalid(field,
			"Ngày không hợp lệ: dùng dd/mm/yyyy hoặc yyyy-mm-dd",
			"invalid date: use dd/mm/yyyy or yyyy-mm-dd")
	}
	if s == "" || len(s) > 40 {
		return bad()
	}
	var y, m, d int
	switch {
	case len(s) > 10 && (strings.Contains(s, "T") || strings.Contains(s, "t")):
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return bad()
		}
		v := DateOf(t)
		y, m, d = v.Year, int(v.Month), v.Day
	case len(s) >= 8 && s[4] == '-':
		parts := strings.Split(s, "-")
		if len(parts) != 3 || len(parts[0]) != 4 {
			return bad()
		}
		var ok bool
		if y, m, d, ok = atoi3(parts[0], parts[1], parts[2]); !ok {
			return bad()
		}
	default:
		sep := strings.IndexAny(s, "/-.")
		if sep < 0 {
			return bad()
		}
		parts := strings.Split(s, string(s[sep]))
		if len(parts) != 3 || len(parts[2]) != 4 {
			return bad()
		}
		var ok bool
		if d, m, y, ok = atoi3(parts[0], parts[1], parts[2]); !ok {
			return bad()
		}
	}
	if y < MinYear || y > MaxYear {
		return Date{}, Invalid(field,
			fmt.Sprintf("Năm phải trong khoảng %d–%d", MinYear, MaxYear),
			fmt.Sprintf("the year must be between %d and %d", MinYear, MaxYear))
	}
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return bad()
	}
	t := time.Date(y, time.Month(m), d, 12, 0, 0, 0, time.UTC)
	if t.Day() != d || int(t.Month()) != m {
		return Date{}, Invalid(field, "Ngày không tồn tại trong lịch", "the day does not exist in the calendar")
	}
	return Date{y, time.Month(m), d}, nil
}

func atoi3(a, b, c string) (int, int, int, bool) {
	var out [3]int
	for i, s := range []string{a, b, c} {
		if s == "" || len(s) > 4 {
			return 0, 0, 0, false
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || strings.ContainsAny(s, "+-") {
			return 0, 0, 0, false
		}
		out[i] = n
	}
	return out[0], out[1], out[2], true
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
