package directory

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"dadirectory/internal/access"
	"dadirectory/internal/audit"
	"dadirectory/internal/edit"
	"dadirectory/internal/mail"
	"dadirectory/internal/phone"
	"dadirectory/internal/postgres"
)

// Watching an organisation: signed-in staff ask to be told when an organisation or its
// contacts change, and get an email saying what changed. The changes are read from the audit
// trail, which every edit path (forms, curation, reverts) already writes in its transaction,
// by a periodic job that moves a cursor in the transaction that queues the emails: each
// change is told once, by one instance, and no edit path needs to know about watching.

// WatchEvery is how often the watch job looks for changes.
const WatchEvery = time.Minute

// Watch has v watch the agency with slug; edit.ErrNotFound when v is not signed in or may not
// see it. Watching twice is watching.
func (s *Store) Watch(ctx context.Context, v access.Viewer, slug string, on bool) error {
	if !v.IsStaff() || !edit.ValidSlug(slug) {
		return edit.ErrNotFound
	}
	var id int64
	err := s.db.QueryRow(ctx, `SELECT a.id FROM agencies a WHERE a.slug = $2 AND `+visibleAgency, v.IsStaff(), slug).Scan(&id)
	if isNoRows(err) {
		return edit.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("directory: watch: %w", err)
	}
	if on {
		_, err = s.db.Exec(ctx, `INSERT INTO watches (user_id, agency_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, v.UserID, id)
	} else {
		_, err = s.db.Exec(ctx, `DELETE FROM watches WHERE user_id = $1 AND agency_id = $2`, v.UserID, id)
	}
	if err != nil {
		return fmt.Errorf("directory: watch: %w", err)
	}
	return nil
}

// Watching reports whether v watches the agency with slug.
func (s *Store) Watching(ctx context.Context, v access.Viewer, slug string) (bool, error) {
	if !v.IsStaff() {
		return false, nil
	}
	var on bool
	err := s.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM watches w JOIN agencies a ON a.id = w.agency_id
		WHERE w.user_id = $1 AND a.slug = $2)`, v.UserID, slug).Scan(&on)
	if err != nil {
		return false, fmt.Errorf("directory: watching: %w", err)
	}
	return on, nil
}

// Watched lists the live organisations v watches, by name.
func (s *Store) Watched(ctx context.Context, v access.Viewer) ([]AgencySummary, error) {
	if !v.IsStaff() {
		return nil, nil
	}
	rows, err := s.db.Query(ctx, `SELECT a.slug, a.name FROM watches w JOIN agencies a ON a.id = w.agency_id
		WHERE w.user_id = $2 AND `+visibleAgency+` ORDER BY lower(a.name), a.id`, v.IsStaff(), v.UserID)
	if err != nil {
		return nil, fmt.Errorf("directory: watched: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (AgencySummary, error) {
		var a AgencySummary
		return a, r.Scan(&a.Slug, &a.Name)
	})
}

// WatchArgs is the periodic job that tells watchers about changes.
type WatchArgs struct{}

// Kind names the job in River's table.
func (WatchArgs) Kind() string { return "watch_changes" }

// WatchWorker tells watchers about changes.
type WatchWorker struct {
	river.WorkerDefaults[WatchArgs]
	Store  *Store
	Outbox *mail.Outbox
}

// Work queues the emails for changes since the last run.
func (w *WatchWorker) Work(ctx context.Context, _ *river.Job[WatchArgs]) error {
	_, err := w.Store.TellWatchers(ctx, w.Outbox)
	return err
}

// watchBatch bounds the changes one run reads; the next run goes on from there.
const watchBatch = 500

type watchedChange struct {
	id            int64
	agencyID      int64
	agencySlug    string
	agencyName    string
	action        string
	entityType    string
	entityName    string // the contact's role title
	actorID       int64
	actorName     string
	before, after []byte
}

// TellWatchers queues one email per watcher and organisation for the changes made since the
// last run, and returns how many. The cursor moves in the same transaction.
func (s *Store) TellWatchers(ctx context.Context, out *mail.Outbox) (int, error) {
	if !out.On() {
		return 0, nil
	}
	sent := 0
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		var last int64
		if err := tx.QueryRow(ctx, `SELECT last_event_id FROM watch_cursor FOR UPDATE`).Scan(&last); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT e.id, e.agency_id, a.slug, a.name, e.action, e.entity_type,
				coalesce(c.role_title, ''), coalesce(e.actor_id, 0), coalesce(u.name, ''), e.before, e.after
			FROM audit_events e JOIN agencies a ON a.id = e.agency_id
			LEFT JOIN contacts c ON e.entity_type = 'contact' AND c.id = e.entity_id
			LEFT JOIN users u ON u.id = e.actor_id
			WHERE e.id > $1 AND e.entity_type IN ('agency', 'contact')
			ORDER BY e.id LIMIT $2`, last, watchBatch)
		if err != nil {
			return err
		}
		changes, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (watchedChange, error) {
			var c watchedChange
			return c, r.Scan(&c.id, &c.agencyID, &c.agencySlug, &c.agencyName, &c.action, &c.entityType, &c.entityName,
				&c.actorID, &c.actorName, &c.before, &c.after)
		})
		if err != nil {
			return err
		}
		var next int64
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(id), $1) FROM (SELECT id FROM audit_events WHERE id > $1 ORDER BY id LIMIT $2) x`,
			last, watchBatch).Scan(&next); err != nil {
			return err
		}
		byAgency := map[int64][]watchedChange{}
		var order []int64
		for _, c := range changes {
			if _, ok := byAgency[c.agencyID]; !ok {
				order = append(order, c.agencyID)
			}
			byAgency[c.agencyID] = append(byAgency[c.agencyID], c)
		}
		for _, agencyID := range order {
			list := byAgency[agencyID]
			rows, err := tx.Query(ctx, `SELECT u.id, u.email, u.name FROM watches w JOIN users u ON u.id = w.user_id
				WHERE w.agency_id = $1 AND u.active ORDER BY u.id`, agencyID)
			if err != nil {
				return err
			}
			type watcher struct {
				id          int64
				email, name string
			}
			watchers, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (watcher, error) {
				var w watcher
				return w, r.Scan(&w.id, &w.email, &w.name)
			})
			if err != nil {
				return err
			}
			for _, w := range watchers {
				// Nobody is told about their own changes.
				var theirs []watchedChange
				for _, c := range list {
					if c.actorID != w.id {
						theirs = append(theirs, c)
					}
				}
				if len(theirs) == 0 {
					continue
				}
				if err := out.Send(ctx, tx, watchLetter(out, w.email, w.name, theirs)); err != nil {
					return err
				}
				sent++
			}
		}
		_, err = tx.Exec(ctx, `UPDATE watch_cursor SET last_event_id = $1`, next)
		return err
	})
	if err != nil {
		return sent, fmt.Errorf("directory: tell watchers: %w", err)
	}
	return sent, nil
}

// watchLetter says what changed at one organisation, change by change, field by field.
func watchLetter(out *mail.Outbox, email, name string, changes []watchedChange) mail.Letter {
	first := changes[0]
	var sections []mail.Section
	for _, c := range changes {
		who := c.actorName
		if who == "" {
			who = "the system"
		}
		heading := audit.Describe(c.action)
		if c.entityType == "contact" && c.entityName != "" {
			heading += " “" + c.entityName + "”"
		}
		sec := mail.Section{Heading: heading + ", by " + who}
		for _, ch := range audit.Changes(c.before, c.after) {
			label, ok := watchFieldLabels[ch.Field]
			if !ok {
				continue // bookkeeping: versions, dates of checks
			}
			sec.Items = append(sec.Items, mail.Link{Label: label + ": " + watchValue(ch.Field, ch.Before, ch.HadBefore) +
				" → " + watchValue(ch.Field, ch.After, ch.HasAfter)})
		}
		sections = append(sections, sec)
	}
	return mail.Letter{
		To:       email,
		Subject:  "Changed: " + first.agencyName,
		Greeting: "Hello " + name + ",",
		Lines:    []string{first.agencyName + ", which you watch, has changed in the directory."},
		Sections: sections,
		Actions:  []mail.Link{{Label: "See " + first.agencyName, URL: out.URL("/agencies/"+first.agencySlug, nil)}},
		Footer:   "You are getting this because you watch this organisation. To stop, open its page and choose Stop watching.",
	}
}

// watchFieldLabels name the fields a watcher is told about.
var watchFieldLabels = map[string]string{
	"name": "Name", "summary": "Summary", "description": "Description", "website": "Website", "email": "Email",
	"opening_hours": "Opening hours", "referral_route": "Who can refer", "eligibility": "Eligibility",
	"visibility": "Who can see it", "open_24h": "Open 24 hours", "languages": "Languages", "areas": "Areas",
	"categories": "Types of support", "audiences": "Who it is for", "role_title": "Role or title",
	"person_name": "Name of the person", "phones": "Phone numbers", "hours": "Hours", "notes": "Notes",
	"kind": "Kind", "main": "Main number", "review_due": "Next review due",
}

// watchValue is a value as a watcher reads it: phone numbers written the usual way.
func watchValue(field, v string, present bool) string {
	if !present || v == "" {
		return "(none)"
	}
	if field == "phones" {
		var phones []Phone
		if json.Unmarshal([]byte(v), &phones) == nil {
			var parts []string
			for _, p := range phones {
				s := phone.Display(p.Number)
				if p.Label != "" {
					s = p.Label + " " + s
				}
				parts = append(parts, s)
			}
			return strings.Join(parts, ", ")
		}
	}
	return v
}
