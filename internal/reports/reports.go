// Package reports is "report a problem": anyone who can see an agency's page may say that
// something on it is wrong, and admins work through what was reported. A report keeps only
// what the reporter typed; nothing else about them (no address, browser or account) is kept.
package reports

import (
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/mail"
)

// Kind is what is wrong on the page.
type Kind string

const (
	KindPhone   Kind = "phone"
	KindEmail   Kind = "email"
	KindAddress Kind = "address"
	KindHours   Kind = "hours"
	KindClosed  Kind = "closed"
	KindOther   Kind = "other"
)

// Kinds are the kinds in the order the form offers them.
var Kinds = []Kind{KindPhone, KindEmail, KindAddress, KindHours, KindClosed, KindOther}

// Label is how the form offers the kind.
func (k Kind) Label() string {
	switch k {
	case KindPhone:
		return "A phone number is wrong"
	case KindEmail:
		return "An email address is wrong"
	case KindAddress:
		return "The address is wrong"
	case KindHours:
		return "The opening hours are wrong"
	case KindClosed:
		return "The service has closed"
	case KindOther:
		return "Something else"
	}
	return string(k)
}

// Short is how the kind reads in a list of reports.
func (k Kind) Short() string {
	switch k {
	case KindPhone:
		return "Phone number"
	case KindEmail:
		return "Email address"
	case KindAddress:
		return "Address"
	case KindHours:
		return "Opening hours"
	case KindClosed:
		return "Service closed"
	case KindOther:
		return "Something else"
	}
	return string(k)
}

// Status is where a report is in an admin's work.
type Status string

const (
	StatusOpen       Status = "open"
	StatusInProgress Status = "in_progress"
	StatusResolved   Status = "resolved"
)

// Statuses are the statuses in the order of the work.
var Statuses = []Status{StatusOpen, StatusInProgress, StatusResolved}

// Label is how the status reads.
func (s Status) Label() string {
	switch s {
	case StatusOpen:
		return "Open"
	case StatusInProgress:
		return "In progress"
	case StatusResolved:
		return "Resolved"
	}
	return string(s)
}

// Valid reports whether s is a status.
func (s Status) Valid() bool { return s == StatusOpen || s == StatusInProgress || s == StatusResolved }

// Limits of what a report holds (the table checks them too).
const (
	MaxNote  = 1000
	MaxEmail = 254
)

// Report is one report as an admin sees it.
type Report struct {
	ID             int64
	AgencyID       int64
	AgencySlug     string
	AgencyName     string
	Kind           Kind
	Note           string
	ReplyEmail     string
	Status         Status
	ResolutionNote string
	Version        int
	CreatedAt      time.Time
	UpdatedAt      time.Time
	ResolvedAt     *time.Time
	ResolvedBy     string // the admin's name, when resolved
}

// Agency is the organisation a report is about, as the form names it.
type Agency struct {
	ID   int64
	Slug string
	Name string
}

// Store keeps reports. Making one takes any viewer who may see the agency; everything else
// answers edit.ErrNotFound to anyone but an admin.
type Store struct {
	db       *pgxpool.Pool
	throttle Throttle
	outbox   *mail.Outbox
}

// NewStore returns a Store over db, throttling reports by t and telling the people who keep an
// organisation's entry about reports through outbox (nil, or off, for no mail).
func NewStore(db *pgxpool.Pool, t Throttle, outbox *mail.Outbox) *Store {
	return &Store{db: db, throttle: t, outbox: outbox}
}

func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("reports: %s: %w", what, err)
}

func isNoRows(err error) bool { return errors.Is(err, pgx.ErrNoRows) }
