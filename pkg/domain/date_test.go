package domain

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	cases := []struct {
		in   string
		want string // ISO, or "" for an error
	}{
		{"30/6/2021", "2021-06-30"},
		{"30/06/2021", "2021-06-30"},
		{"01-07-2021", "2021-07-01"},
		{"14.9.2022", "2022-09-14"},
		{"2022-10-18", "2022-10-18"},
		{"2021-06-30T20:00:00Z", "2021-07-01"}, // 03:00 on 1/7 in Ho Chi Minh City
		{"2021-06-30T16:59:59Z", "2021-06-30"},
		{"31/02/2021", ""},
		{"29/02/2023", ""},
		{"29/02/2024", "2024-02-29"},
		{"30/6/20210", ""},
		{"2021-13-01", ""},
		{"0/6/2021", ""},
		{"30/6/1800", ""},
		{"+1/6/2021", ""},
		{"", ""},
		{"hôm qua", ""},
	}
	for _, c := range cases {
		got, err := ParseDate("d", c.in)
		switch {
		case c.want == "" && err == nil:
			t.Errorf("ParseDate(%q) = %s, want an error", c.in, got)
		case c.want != "" && err != nil:
			t.Errorf("ParseDate(%q): %v, want %s", c.in, err, c.want)
		case c.want != "" && got.String() != c.want:
			t.Errorf("ParseDate(%q) = %s, want %s", c.in, got, c.want)
		case err != nil && err.Field != "d":
			t.Errorf("ParseDate(%q) error names %q, want d", c.in, err.Field)
		}
	}
}

func TestDeadlineEndsAtEndOfLocalDay(t *testing.T) {
	d := NewDate(2021, time.June, 30)
	end := d.End()
	if got := end.UTC().Format(time.RFC3339); got != "2021-06-30T16:59:59Z" {
		t.Errorf("end of 30/6/2021 in UTC: got %s", got)
	}
	if d.Display() != "30/06/2021" {
		t.Errorf("display: got %s", d.Display())
	}
	if n := d.DaysUntil(NewDate(2021, time.July, 7)); n != 7 {
		t.Errorf("days until: got %d, want 7", n)
	}
}

func TestParsePeriod(t *testing.T) {
	cases := []struct{ in, start, end string }{
		{"2021-Q2", "2021-04-01", "2021-06-30"},
		{"2021-q4", "2021-10-01", "2021-12-31"},
		{"2022", "2022-01-01", "2022-12-31"},
		{"2024-02", "2024-02-01", "2024-02-29"},
		{"2022-2025", "2022-01-01", "2025-12-31"},
	}
	for _, c := range cases {
		p, err := ParsePeriod("period", c.in)
		if err != nil {
			t.Errorf("ParsePeriod(%q): %v", c.in, err)
			continue
		}
		if p.Start().String() != c.start || p.End().String() != c.end {
			t.Errorf("ParsePeriod(%q) = %s..%s, want %s..%s", c.in, p.Start(), p.End(), c.start, c.end)
		}
	}
	for _, bad := range []string{"2021-Q5", "2021-13", "2025-2022", "Q2", "20210"} {
		if _, err := ParsePeriod("period", bad); err == nil {
			t.Errorf("ParsePeriod(%q) accepted", bad)
		}
	}
}
