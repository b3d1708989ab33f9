package site

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/audit"
	"dadirectory/internal/edit"
	"dadirectory/internal/phone"
	"dadirectory/internal/postgres"
	"dadirectory/internal/validate"
)

// An admin changes the settings here. A field left blank goes back to the value from the
// environment (the column becomes NULL), except the banner, where blank means no banner.

// Input is the settings form as typed. JSON names are the form's field names.
type Input struct {
	SiteName       string `json:"site_name"`
	CouncilName    string `json:"council_name"`
	HelplineName   string `json:"helpline_name"`
	HelplineNumber string `json:"helpline_number"`
	HelplineHours  string `json:"helpline_hours"`
	QuickExitURL   string `json:"quick_exit_url"`
	Banner         string `json:"banner"`
}

// Edit is the settings as the admin's form shows them: what an admin has set (blank where
// the environment's value stands), the version, and the environment's values.
type Edit struct {
	Input
	Version  int
	Defaults Settings
}

// SettingsForm is the settings form for comparing and merging after a conflict (see
// internal/edit).
func SettingsForm() edit.Form[Input] {
	text := edit.Text[Input]
	number := edit.Field[Input]{
		Name: "helpline_number", Label: "Helpline number",
		Key:  func(i Input) string { return i.HelplineNumber },
		Show: func(i Input) string { return phone.Display(i.HelplineNumber) },
		Take: func(dst *Input, src Input) { dst.HelplineNumber = phone.Display(src.HelplineNumber) },
	}
	return edit.Form[Input]{
		Fields: []edit.Field[Input]{
			text("site_name", "Site name", func(i *Input) *string { return &i.SiteName }),
			text("council_name", "Council name", func(i *Input) *string { return &i.CouncilName }),
			text("helpline_name", "Helpline name", func(i *Input) *string { return &i.HelplineName }),
			number,
			text("helpline_hours", "Helpline hours", func(i *Input) *string { return &i.HelplineHours }),
			text("quick_exit_url", "Exit this page goes to", func(i *Input) *string { return &i.QuickExitURL }),
			text("banner", "Emergency banner", func(i *Input) *string { return &i.Banner }),
		},
		Clean: func(in Input) Input { c, _ := Clean(in); return c },
	}
}

// ForEdit returns the settings as an admin edits them. Callers check the viewer is an admin.
func (s *Store) ForEdit(ctx context.Context) (Edit, error) {
	return s.loadEdit(ctx, s.db, false)
}

func (s *Store) loadEdit(ctx context.Context, q postgres.Querier, lock bool) (Edit, error) {
	e := Edit{Defaults: s.defaults}
	sql := `SELECT coalesce(site_name, ''), coalesce(council_name, ''), coalesce(helpline_name, ''),
		coalesce(helpline_number, ''), coalesce(helpline_hours, ''), coalesce(quick_exit_url, ''), coalesce(banner, ''), version
		FROM site_settings WHERE id = 1`
	if lock {
		sql += ` FOR UPDATE`
	}
	err := q.QueryRow(ctx, sql).Scan(&e.SiteName, &e.CouncilName, &e.HelplineName, &e.HelplineNumber,
		&e.HelplineHours, &e.QuickExitURL, &e.Banner, &e.Version)
	if err != nil {
		return e, fmt.Errorf("site: settings for edit: %w", err)
	}
	return e, nil
}

// Update saves in, provided the form was opened on the current version, with its audit event
// in the same transaction. actorID is the admin's user id. It returns validate.Errors for bad
// input and *edit.ConflictError[Edit] when someone saved first. This instance shows the change at once;
// others within the cache's second.
func (s *Store) Update(ctx context.Context, actorID int64, in Input, version int) (Edit, error) {
	clean, errs := Clean(in)
	if len(errs) > 0 {
		return Edit{}, errs
	}
	var out Edit
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		// The row is made by the first migration; make sure of it all the same.
		if _, err := tx.Exec(ctx, `INSERT INTO site_settings (id) VALUES (1) ON CONFLICT (id) DO NOTHING`); err != nil {
			return fmt.Errorf("site: update settings: %w", err)
		}
		before, err := s.loadEdit(ctx, tx, true)
		if err != nil {
			return err
		}
		if before.Version != version {
			return edit.Conflicted(before)
		}
		if clean == before.Input {
			out = before
			return nil
		}
		// Blank means the environment's value (NULL), except the banner, which blank turns off.
		tag, err := tx.Exec(ctx, `UPDATE site_settings SET site_name = nullif($2, ''), council_name = nullif($3, ''),
				helpline_name = nullif($4, ''), helpline_number = nullif($5, ''), helpline_hours = nullif($6, ''),
				quick_exit_url = nullif($7, ''), banner = $8, version = version + 1, updated_at = now()
			WHERE id = 1 AND version = $1`, version, clean.SiteName, clean.CouncilName, clean.HelplineName,
			clean.HelplineNumber, clean.HelplineHours, clean.QuickExitURL, clean.Banner)
		if err != nil {
			return fmt.Errorf("site: update settings: %w", err)
		}
		if tag.RowsAffected() != 1 {
			return edit.Conflicted(before)
		}
		if out, err = s.loadEdit(ctx, tx, false); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: actorID, Action: "site_settings.update", EntityType: "site_settings",
			EntityID: 1, Before: before.auditRow(), After: out.auditRow()})
	})
	if err == nil {
		s.forget()
	}
	return out, err
}

// forget drops the cached settings, so the next page on this instance reads the new ones.
func (s *Store) forget() {
	s.mu.Lock()
	s.cachedAt = time.Time{}
	s.forgets++
	s.mu.Unlock()
}

// Clean checks the settings form and returns it as it would be stored: the helpline number
// as digits, the quick-exit target an absolute http(s) address (never javascript: or data:,
// since every page links to it).
func Clean(in Input) (Input, validate.Errors) {
	var e validate.Errors
	out := Input{
		SiteName:       e.Name("site_name", "Site name", in.SiteName, false, 80),
		CouncilName:    e.Name("council_name", "Council name", in.CouncilName, false, 120),
		HelplineName:   e.Name("helpline_name", "Helpline name", in.HelplineName, false, 120),
		HelplineNumber: e.Phone("helpline_number", "Helpline number", in.HelplineNumber),
		HelplineHours:  e.Text("helpline_hours", "Helpline hours", in.HelplineHours, false, 120, false),
		QuickExitURL:   e.WebURL("quick_exit_url", "The address Exit this page goes to", in.QuickExitURL),
		// The banner's box wraps; line breaks typed into it become spaces.
		Banner: e.Text("banner", "Emergency banner", strings.NewReplacer("\r\n", " ", "\n", " ").Replace(in.Banner), false, 300, false),
	}
	return out, e
}

func (e Edit) auditRow() map[string]any {
	return map[string]any{"site_name": e.SiteName, "council_name": e.CouncilName, "helpline_name": e.HelplineName,
		"helpline_number": e.HelplineNumber, "helpline_hours": e.HelplineHours, "quick_exit_url": e.QuickExitURL,
		"banner": e.Banner, "version": e.Version}
}
