package alert

import (
	"time"

	"github.com/camket/camket/pkg/domain"
)

// generatorStage marks a queue entry that makes the next occurrence of a
// recurring report task rather than firing an alert.
const generatorStage = -1

// entry is one pending moment of an item (or an occurrence to generate).
type entry struct {
	At    time.Time   `json:"at"`
	Key   string      `json:"key"`
	Gen   int         `json:"gen"`
	Stage int         `json:"stage"`
	Due   domain.Date `json:"due,omitzero"` // generators: the occurrence's due day
}

// queue is a min-heap of entries by (At, Key, Stage): the order alerts are
// returned in does not depend on map iteration.
type queue []entry

func (q queue) Len() int { return len(q) }
func (q queue) Less(i, j int) bool {
	a, b := q[i], q[j]
	if !a.At.Equal(b.At) {
		return a.At.Before(b.At)
	}
	if a.Key != b.Key {
		return a.Key < b.Key
	}
	return a.Stage < b.Stage
}
func (q queue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *queue) Push(x any)   { *q = append(*q, x.(entry)) }
func (q *queue) Pop() any {
	old := *q
	e := old[len(old)-1]
	*q = old[:len(old)-1]
	return e
}

// dueIn returns the due day of the occurrence of r whose period holds d:
// DueDay of the month (of the quarter's or year's last month), clamped to
// the month's length.
func dueIn(r domain.Recurrence, d domain.Date) domain.Date {
	month := d.Month
	switch r.Every {
	case "quarterly":
		month = ((d.Month-1)/3)*3 + 3
	case "yearly":
		month = time.December
	}
	last := domain.NewDate(d.Year, month+1, 1).AddDays(-1)
	if month == time.December {
		last = domain.NewDate(d.Year, time.December, 31)
	}
	day := min(r.DueDay, last.Day)
	return domain.NewDate(d.Year, month, day)
}

// occurrenceOf returns the period of the occurrence due on due.
func occurrenceOf(r domain.Recurrence, due domain.Date) domain.Period {
	var key string
	switch r.Every {
	case "quarterly":
		key = due.String()[:4] + "-Q" + string(rune('0'+(int(due.Month)+2)/3))
	case "yearly":
		key = due.String()[:4]
	default:
		key = due.String()[:7]
	}
	return domain.MustParsePeriod(key)
}

// firstDue returns the first due day of r on or after d.
func firstDue(r domain.Recurrence, d domain.Date) domain.Date {
	due := dueIn(r, d)
	if due.Before(d) {
		return nextDue(r, due)
	}
	return due
}

// nextDue returns the due day of the occurrence after the one due on due.
func nextDue(r domain.Recurrence, due domain.Date) domain.Date {
	p := occurrenceOf(r, due)
	return dueIn(r, p.End().AddDays(1))
}
