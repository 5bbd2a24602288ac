// Package alert decides which deadline alerts fall due and when: a pure
// function of the event log and a clock, with no I/O. The alerter service
// feeds it the log in order and publishes what it returns.
//
// # Rules
//
// Every open item has one deadline (a calendar day in Asia/Ho_Chi_Minh).
// The rule set in force names the windows before it, by default 7, 3, 1 and
// 0 days (due_in_7d, due_in_3d, due_in_1d, due_today); a window's moment is
// 00:00 local time of its day. An item still open after its deadline is
// overdue from 00:00 of the next day, and is reminded again every
// OverdueEveryDays days until it is closed.
//
// Items are: a task (its lead unit hears of it); each occurrence of a
// recurring report task (monthly, quarterly, yearly, due on the task's due
// day); and each indicator of a signed commitment (due on its own due date,
// or at the end of the commitment's period), for the commitment's unit.
// A task closes when completed or cancelled, an occurrence when a progress
// report effective in its period is recorded, an indicator when its
// reported (or verified) value meets the target; a rejected value opens it
// again.
//
// # Arming
//
// When an item opens or its deadline moves (assignment, extension,
// reopening, signing), it is armed at that instant: the latest window whose
// moment has passed fires at once (an item assigned two days before its
// deadline hears "due_in_3d" immediately), earlier windows are skipped, and
// later ones fire at their moments. An alert is identified by (item, rule,
// deadline, and for overdue reminders the reminder's day); an item never
// fires the same alert twice, even when closed and reopened.
package alert

import (
	"strconv"
	"time"

	"github.com/camket/camket/pkg/domain"
)

// Kind names an alert rule; it is the last token of the NATS subject.
type Kind string

// The fixed kinds; windows other than the defaults are named due_in_<N>d.
const (
	KindDueToday Kind = "due_today"
	KindOverdue  Kind = "overdue"
)

// WindowKind names the window days before a deadline.
func WindowKind(days int) Kind {
	if days == 0 {
		return KindDueToday
	}
	return Kind("due_in_" + strconv.Itoa(days) + "d")
}

// ItemType is what an alert is about.
type ItemType string

// Item types.
const (
	ItemTask       ItemType = "task"
	ItemReport     ItemType = "report" // one occurrence of a recurring report task
	ItemIndicator  ItemType = "indicator"
	officeAudience          = "office"
)

// Item is the task, report occurrence or indicator an alert is about.
type Item struct {
	Type         ItemType `json:"type"`
	Key          string   `json:"key"`
	Unit         string   `json:"unit"`
	Title        string   `json:"title"`
	TaskID       string   `json:"task_id,omitempty"`
	Number       string   `json:"number,omitempty"` // the task's number in its document
	Occurrence   string   `json:"occurrence,omitempty"`
	CommitmentID string   `json:"commitment_id,omitempty"`
	IndicatorID  string   `json:"indicator_id,omitempty"`
	DocumentID   string   `json:"document_id,omitempty"`
	Document     string   `json:"document,omitempty"` // the document's number, e.g. 2544/UBND-NC
}

// Alert is one alert falling due. At is when it fell due: its rule's
// moment, or the instant the item was armed when that came later.
type Alert struct {
	ID          string      `json:"alert_id"`
	Kind        Kind        `json:"kind"`
	Item        Item        `json:"item"`
	Deadline    domain.Date `json:"deadline"`
	DaysLeft    int         `json:"days_left"`
	DaysOverdue int         `json:"days_overdue"`
	Moment      time.Time   `json:"moment"`
	At          time.Time   `json:"at"`
}

// Escalated reports whether the provincial office hears of a too.
func (a Alert) Escalated() bool { return a.Kind == KindOverdue }

// Subject returns the NATS subject of a for audience: a unit code, or
// "office" for the escalated copy.
func Subject(audience string, kind Kind) string {
	return "camket.alert." + audience + "." + string(kind)
}

// Office is the audience of escalations.
const Office = officeAudience

// MsgID returns the JetStream message id of a sent to audience: stable, so
// a retry or a restart never stores a second copy.
func MsgID(audience string, a Alert) string { return audience + ":" + a.ID }
