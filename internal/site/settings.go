// Package site holds the settings an admin can change for the whole site: its name, the
// council's name, the nation's 24-hour helpline, the quick-exit target and a banner. Until an
// admin sets a value, the value from the environment (config) stands.
package site

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/phone"
)

// Settings are the values every page needs.
type Settings struct {
	SiteName       string
	CouncilName    string
	HelplineName   string
	HelplineNumber string // digits
	HelplineHours  string
	QuickExitURL   string
	Banner         string
}

// HelplineDisplay is the helpline number as people write it.
func (s Settings) HelplineDisplay() string { return phone.Display(s.HelplineNumber) }

// HelplineTel is the helpline's click-to-call link.
func (s Settings) HelplineTel() string { return phone.TelURI(s.HelplineNumber) }

// Store reads settings, keeping them for a second: every page shows them, and an admin's
// change should reach every instance quickly without a query per request.
type Store struct {
	db       *pgxpool.Pool
	defaults Settings

	mu       sync.Mutex
	cached   Settings
	cachedAt time.Time
	forgets  uint64 // counts forget calls, so a read that began before one is not cached
}

const cacheFor = time.Second

// NewStore returns a Store whose unset values fall back to defaults.
func NewStore(db *pgxpool.Pool, defaults Settings) *Store { return &Store{db: db, defaults: defaults} }

// Get returns the current settings. If the database cannot be read it returns the defaults
// with the error, so an error page can still be drawn.
func (s *Store) Get(ctx context.Context) (Settings, error) {
	s.mu.Lock()
	if !s.cachedAt.IsZero() && time.Since(s.cachedAt) < cacheFor {
		defer s.mu.Unlock()
		return s.cached, nil
	}
	forgets := s.forgets
	s.mu.Unlock()
	// The query runs unlocked: when the database stops answering, requests must not queue
	// behind one another's attempts, each waiting out the statement limit in turn.
	d := s.defaults
	err := s.db.QueryRow(ctx, `SELECT coalesce(site_name, $1), coalesce(council_name, $2),
		coalesce(helpline_name, $3), coalesce(helpline_number, $4), coalesce(helpline_hours, $5),
		coalesce(quick_exit_url, $6), coalesce(banner, $7) FROM site_settings WHERE id = 1`,
		d.SiteName, d.CouncilName, d.HelplineName, d.HelplineNumber, d.HelplineHours, d.QuickExitURL, d.Banner).Scan(
		&d.SiteName, &d.CouncilName, &d.HelplineName, &d.HelplineNumber, &d.HelplineHours, &d.QuickExitURL, &d.Banner)
	if err != nil {
		return s.defaults, fmt.Errorf("site: read settings: %w", err)
	}
	s.mu.Lock()
	if s.forgets == forgets {
		s.cached, s.cachedAt = d, time.Now()
	}
	s.mu.Unlock()
	return d, nil
}

// Defaults returns the settings from the environment alone.
func (s *Store) Defaults() Settings { return s.defaults }
