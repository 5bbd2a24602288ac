package loadgen

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// TokenSource returns a bearer token for a simulated user: role is a camket
// role (unit_head, reporter, office), unit its unit code (empty for the
// office), subject its name.
type TokenSource func(role, unit, subject string) (string, error)

// Config says whom to simulate, how hard and for how long.
type Config struct {
	// URL is the base URL of a running camket, e.g. http://127.0.0.1:8080.
	URL string
	// NATSURL, when set, is the NATS server camket publishes alerts to; the
	// run then measures alert latency (see Report.Alert).
	NATSURL string
	// Users is the number of simulated unit staff (heads and reporters,
	// spread over the units that have a commitment in Period); default 50.
	Users int
	// Office is the number of simulated office staff; default Users/10, at
	// least 1.
	Office int
	// Rate is user actions per second, all users together; default one
	// action per user every two seconds. An action is one or two requests
	// (open a form, then submit it).
	Rate float64
	// Duration is how long the load runs; default 30 s.
	Duration time.Duration
	// Period is the commitment round the unit heads report on; default
	// 2021-Q2 (the demo's).
	Period string
	// TasksPerUnit is how many tasks the setup assigns to each unit for the
	// staff to progress and complete; default 3.
	TasksPerUnit int
	// LagSample is the share of writes followed at once by a board read at
	// the write's position, which measures projection lag; default 0.2.
	LagSample float64
	// Tokens signs the simulated users' tokens.
	Tokens TokenSource
	// RetryWhenDown resends a request that met a closed or refused
	// connection once the server answers again (the crash harness). Without
	// it such a request counts as an error and the user moves on.
	RetryWhenDown bool
	// Writes, when set, is told the outcome of every command (write) sent.
	// It is called from many goroutines.
	Writes func(Write)
	// Client sends the requests; default a client with a 15 s timeout.
	Client *http.Client
	// Started, when set, is called once the setup is done, as the users
	// begin (the crash harness starts killing then).
	Started func()
	// Windows asks for reports on parts of the run as well
	// (Report.Windows, in the same order).
	Windows []Window
	// Seed seeds the random choices; 0 takes the time.
	Seed int64
}

func (c Config) withDefaults() (Config, error) {
	if c.URL == "" {
		return c, errors.New("loadgen: URL is required")
	}
	if c.Tokens == nil {
		return c, errors.New("loadgen: Tokens is required")
	}
	if c.Users <= 0 {
		c.Users = 50
	}
	if c.Office <= 0 {
		c.Office = max(1, c.Users/10)
	}
	if c.Rate <= 0 {
		c.Rate = float64(c.Users+c.Office) / 2
	}
	if c.Duration <= 0 {
		c.Duration = 30 * time.Second
	}
	if c.Period == "" {
		c.Period = "2021-Q2"
	}
	if c.TasksPerUnit <= 0 {
		c.TasksPerUnit = 3
	}
	if c.LagSample < 0 || c.LagSample > 1 {
		return c, fmt.Errorf("loadgen: LagSample %v is not between 0 and 1", c.LagSample)
	}
	if c.LagSample == 0 {
		c.LagSample = 0.2
	}
	if c.Client == nil {
		c.Client = &http.Client{Timeout: 15 * time.Second}
	}
	if c.Seed == 0 {
		c.Seed = time.Now().UnixNano()
	}
	return c, nil
}

// Outcome is what became of a command.
type Outcome int

const (
	// Acknowledged: the server answered 2xx; the command is in the log.
	Acknowledged Outcome = iota
	// Refused: the server answered 4xx; the command is not in the log.
	Refused
	// Unknown: the answer was lost (the server died or the connection
	// broke after the request may have arrived) and a resend was refused
	// or not made; the command is in the log at most once.
	Unknown
)

func (o Outcome) String() string {
	switch o {
	case Acknowledged:
		return "acknowledged"
	case Refused:
		return "refused"
	}
	return "unknown"
}

// Write is one command and its outcome.
type Write struct {
	// RequestID is the X-Request-ID sent, which camket records as the
	// events' correlation id.
	RequestID string
	Op        string
	Outcome   Outcome
	// Events and Position are from the server's answer (Acknowledged only).
	Events   int
	Position uint64
	// Resent counts the resends after lost answers.
	Resent int
}
