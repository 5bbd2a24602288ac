package domain

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Period is a reporting span: a year ("2022"), a quarter ("2021-Q2"), a
// month ("2021-06") or a run of years ("2022-2025"). Its boundaries are
// Asia/Ho_Chi_Minh calendar days. The zero Period means "no period".
type Period struct {
	key        string
	start, end Date
}

// ParsePeriod reads a period written as above; the error names field.
func ParsePeriod(field, s string) (Period, *Error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	bad := func() (Period, *Error) {
		return Period{}, Invalid(field,
			"Kỳ không hợp lệ: dùng 2022, 2021-Q2, 2021-06 hoặc 2022-2025",
			"invalid period: use 2022, 2021-Q2, 2021-06 or 2022-2025")
	}
	year := func(t string) (int, bool) {
		if len(t) != 4 {
			return 0, false
		}
		y, err := strconv.Atoi(t)
		return y, err == nil && y >= MinYear && y <= MaxYear
	}
	parts := strings.Split(s, "-")
	switch len(parts) {
	case 1:
		y, ok := year(parts[0])
		if !ok {
			return bad()
		}
		return Period{key: s, start: NewDate(y, time.January, 1), end: NewDate(y, time.December, 31)}, nil
	case 2:
		y, ok := year(parts[0])
		if !ok {
			return bad()
		}
		p := parts[1]
		switch {
		case len(p) == 2 && p[0] == 'Q' && p[1] >= '1' && p[1] <= '4':
			q := int(p[1] - '0')
			start := NewDate(y, time.Month(3*q-2), 1)
			end := NewDate(y, time.Month(3*q)+1, 1).AddDays(-1)
			if q == 4 {
				end = NewDate(y, time.December, 31)
			}
			return Period{key: s, start: start, end: end}, nil
		case len(p) == 2:
			m, err := strconv.Atoi(p)
			if err != nil || m < 1 || m > 12 {
				return bad()
			}
			start := NewDate(y, time.Month(m), 1)
			end := start.AddDays(40)
			end = NewDate(end.Year, end.Month, 1).AddDays(-1)
			return Period{key: s, start: start, end: end}, nil
		case len(p) == 4:
			y2, ok := year(p)
			if !ok || y2 < y {
				return bad()
			}
			return Period{key: s, start: NewDate(y, time.January, 1), end: NewDate(y2, time.December, 31)}, nil
		}
	}
	return bad()
}

// MustParsePeriod is ParsePeriod for literals known to be valid; it panics
// otherwise.
func MustParsePeriod(s string) Period {
	p, err := ParsePeriod("period", s)
	if err != nil {
		panic(err)
	}
	return p
}

// String returns the period's key ("2021-Q2").
func (p Period) String() string { return p.key }

// IsZero reports whether p is the zero Period.
func (p Period) IsZero() bool { return p.key == "" }

// Start returns the first day of p.
func (p Period) Start() Date { return p.start }

// End returns the last day of p.
func (p Period) End() Date { return p.end }

// Contains reports whether d falls within p.
func (p Period) Contains(d Date) bool { return !d.Before(p.start) && !d.After(p.end) }

// MarshalJSON writes p as its key, or null.
func (p Period) MarshalJSON() ([]byte, error) {
	if p.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(p.key)
}

// GobEncode writes p as its key (projection snapshots are gob).
func (p Period) GobEncode() ([]byte, error) { return []byte(p.key), nil }

// GobDecode reads a period key written by GobEncode; it fails for one that
// does not parse.
func (p *Period) GobDecode(b []byte) error {
	if len(b) == 0 {
		*p = Period{}
		return nil
	}
	v, err := ParsePeriod("", string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// UnmarshalJSON reads a period key, or null.
func (p *Period) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*p = Period{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a period must be a string: %w", err)
	}
	v, err := ParsePeriod("", s)
	if err != nil {
		return err
	}
	*p = v
	return nil
}
