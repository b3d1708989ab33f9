package audit

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/edit"
	"dadirectory/internal/postgres"
	"dadirectory/internal/validate"
)

// PageSize is how many events a page of the audit trail shows.
const PageSize = 50

// maxPage keeps OFFSET bounded: 500,000 events deep is further than anyone reads.
const maxPage = 10000

// Filter chooses which events to list. Zero fields mean "any".
type Filter struct {
	ActorID int64     // the user who acted
	Org     string    // slug of the organisation the event concerns
	From    time.Time // first day, inclusive (a calendar date, read in Europe/London)
	To      time.Time // last day, inclusive
	Page    int       // from 1
}

const dateLayout = "2006-01-02"

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// ParseFilter reads a Filter from the /admin/audit form (actor, org, from, to, page). Bad
// values give field errors, with the Filter as far as it could be read.
func ParseFilter(v url.Values) (Filter, validate.Errors) {
	f := Filter{Page: 1}
	var errs validate.Errors
	if s := v.Get("actor"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			errs.Add("actor", "Choose a person from the list")
		} else {
			f.ActorID = id
		}
	}
	if s := v.Get("org"); s != "" {
		if len(s) > 80 || !slugPattern.MatchString(s) {
			errs.Add("org", "Choose an organisation from the list")
		} else {
			f.Org = s
		}
	}
	// The dates come as GOV.UK date inputs (from-day, from-month, from-year) or, in the
	// page's own links, as from=2026-03-27.
	v = maps.Clone(v)
	validate.JoinDate(v, "from")
	validate.JoinDate(v, "to")
	f.From = parseDate(&errs, "from", "the ‘From’ date", v.Get("from"))
	f.To = parseDate(&errs, "to", "the ‘To’ date", v.Get("to"))
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		errs.Add("to", "The ‘To’ date must be the same as or after the ‘From’ date")
	}
	if s := v.Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxPage {
			errs.Add("page", "The page number in the address is not one we have. Go back to the first page.")
		} else {
			f.Page = n
		}
	}
	return f, errs
}

func parseDate(errs *validate.Errors, field, label, s string) time.Time {
	d, ok := errs.Date(field, label, s, false)
	if ok && d.Year() < 1900 {
		errs.Add(field, "Enter "+label+" as a real date, for example 27 3 2026")
		return time.Time{}
	}
	return d
}

// Values is the filter as URL parameters, without the page.
func (f Filter) Values() url.Values {
	v := url.Values{}
	if f.ActorID != 0 {
		v.Set("actor", strconv.FormatInt(f.ActorID, 10))
	}
	if f.Org != "" {
		v.Set("org", f.Org)
	}
	if !f.From.IsZero() {
		v.Set("from", f.From.Format(dateLayout))
	}
	if !f.To.IsZero() {
		v.Set("to", f.To.Format(dateLayout))
	}
	return v
}

// PageURL is the address of page n of this filtered list.
func (f Filter) PageURL(n int) string {
	v := f.Values()
	if n > 1 {
		v.Set("page", strconv.Itoa(n))
	}
	if len(v) == 0 {
		return "/admin/audit"
	}
	return "/admin/audit?" + v.Encode()
}

// IsEmpty reports whether the filter lists everything.
func (f Filter) IsEmpty() bool { return len(f.Values()) == 0 }

// Entry is one event as the audit page shows it.
type Entry struct {
	ID         int64
	At         time.Time // UTC
	ActorID    int64     // 0 for none
	ActorName  string
	ActorEmail string
	Action     string
	EntityType string
	EntityID   int64
	EntityName string // the row's name or title now (or as recorded, if it has gone)
	AgencySlug string // the organisation the event concerns, if any
	AgencyName string
	Changes    []Change
	// Fields are the changes in words (labels, formatted values, no internal fields).
	Fields []FieldChange
	// Reverts is the event this one reverted (0 when it is not a revert); RevertedBy is the
	// latest revert of this event (0 when none), made at RevertedAt.
	Reverts    int64
	RevertedBy int64
	RevertedAt time.Time
}

// Page is one page of the trail, newest first.
type Page struct {
	Filter  Filter
	Entries []Entry
	Total   int
	Pages   int
}

// dateArg is a date parameter for SQL: NULL when unset.
func dateArg(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.Format(dateLayout)
	return &s
}

// The WHERE clause shared by the count and the page: $1 actor, $2 agency id, $3 from, $4 to.
// Dates are days in Europe/London, so "to" ends at the next uktime.London midnight.
const listWhere = `($1::bigint IS NULL OR e.actor_id = $1)
	AND ($2::bigint IS NULL OR e.agency_id = $2 OR (e.entity_type = 'agency' AND e.entity_id = $2))
	AND ($3::date IS NULL OR e.occurred_at >= ($3::date)::timestamp AT TIME ZONE 'Europe/London')
	AND ($4::date IS NULL OR e.occurred_at < ($4::date + 1)::timestamp AT TIME ZONE 'Europe/London')`

// List returns a page of audit events matching f, newest first, for an administrator. Anyone
// else gets edit.ErrNotFound. A person or organisation that does not exist gives
// validate.Errors.
func (s *Store) List(ctx context.Context, v access.Viewer, f Filter) (Page, error) {
	if err := adminsOnly(v); err != nil {
		return Page{}, err
	}
	if f.Page < 1 {
		f.Page = 1
	}
	p := Page{Filter: f}
	actor, agency, err := resolve(ctx, s.db, f)
	if err != nil {
		return p, err
	}
	from, to := dateArg(f.From), dateArg(f.To)
	if err := s.db.QueryRow(ctx, `SELECT count(*) FROM audit_events e WHERE `+listWhere, actor, agency, from, to).Scan(&p.Total); err != nil {
		return p, fmt.Errorf("audit: count events: %w", err)
	}
	p.Pages = (p.Total + PageSize - 1) / PageSize
	if p.Total == 0 || f.Page > p.Pages {
		return p, nil
	}
	rows, err := s.db.Query(ctx, s.listSQL, actor, agency, from, to, PageSize, (f.Page-1)*PageSize)
	if err != nil {
		return p, fmt.Errorf("audit: list events: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e Entry
		e, err := s.scanEntry(rows)
		if err != nil {
			return p, fmt.Errorf("audit: list events: %w", err)
		}
		p.Entries = append(p.Entries, e)
	}
	if err := rows.Err(); err != nil {
		return p, fmt.Errorf("audit: list events: %w", err)
	}
	return p, nil
}

// entrySelect reads one event as an Entry (scanEntry), with the names of the person, the row
// and the organisation. An entry's name is the row's name now, from its entity's Name query or
// NameColumn, or else the name its event recorded. The organisation an event concerns is its
// agency_id, or, for an event about an organisation that recorded none, the organisation
// itself. A revert records the event it reverted; an event reverted since says by which.
func entrySelect(entities []Entity, names map[string]string) string {
	var joins, cases strings.Builder
	for i, e := range entities {
		if e.NameColumn == "" || names[e.Type] != "" {
			continue
		}
		alias := fmt.Sprintf("n%d", i)
		fmt.Fprintf(&joins, "\n\t\tLEFT JOIN %s %s ON e.entity_type = '%s' AND %s.id = e.entity_id", e.Table, alias, e.Type, alias)
		fmt.Fprintf(&cases, " WHEN '%s' THEN %s.%s", e.Type, alias, e.NameColumn)
	}
	types := make([]string, 0, len(names))
	for t := range names {
		types = append(types, t)
	}
	slices.Sort(types)
	for _, t := range types {
		fmt.Fprintf(&cases, " WHEN '%s' THEN %s", t, names[t])
	}
	name := "NULL::text"
	if cases.Len() > 0 {
		name = "CASE e.entity_type" + cases.String() + " END"
	}
	return `SELECT e.id, e.occurred_at, coalesce(e.actor_id, 0), coalesce(u.name, ''), coalesce(u.email, ''),
			e.action, e.entity_type, coalesce(e.entity_id, 0),
			coalesce(` + name + `,
				e.after->>'name', e.before->>'name', e.after->>'role_title', e.before->>'role_title', e.after->>'title',
				e.before->>'title', e.after->>'email', ''),
			coalesce(ag.slug, ''), coalesce(ag.name, ''), e.before, e.after,
			CASE WHEN jsonb_typeof(e.after->'reverts_event') = 'number' THEN (e.after->>'reverts_event')::numeric::bigint ELSE 0 END,
			coalesce(rv.id, 0), coalesce(rv.occurred_at, 'epoch')
		FROM audit_events e
		LEFT JOIN users u ON u.id = e.actor_id` + joins.String() + `
		LEFT JOIN agencies ag ON ag.id = coalesce(e.agency_id, CASE WHEN e.entity_type = 'agency' THEN e.entity_id END)
		LEFT JOIN LATERAL (SELECT r.id, r.occurred_at FROM audit_events r
			WHERE r.after ? 'reverts_event' AND r.after->>'reverts_event' = e.id::text ORDER BY r.id DESC LIMIT 1) rv ON true`
}

// listSQL is the page query of List: $1 to $4 as listWhere, $5 the page size, $6 the offset.
func listSQL(selectSQL string) string {
	return selectSQL + `
		WHERE ` + listWhere + `
		ORDER BY e.occurred_at DESC, e.id DESC
		LIMIT $5 OFFSET $6`
}

// scanEntry reads a row of entrySelect.
func (s *Store) scanEntry(row pgx.Row) (Entry, error) {
	var e Entry
	var before, after []byte
	if err := row.Scan(&e.ID, &e.At, &e.ActorID, &e.ActorName, &e.ActorEmail, &e.Action, &e.EntityType, &e.EntityID,
		&e.EntityName, &e.AgencySlug, &e.AgencyName, &before, &after, &e.Reverts, &e.RevertedBy, &e.RevertedAt); err != nil {
		return e, err
	}
	e.At, e.RevertedAt = e.At.UTC(), e.RevertedAt.UTC()
	if e.RevertedBy == 0 {
		e.RevertedAt = time.Time{}
	}
	e.Changes = Changes(before, after)
	e.Fields = s.labels.Present(e.EntityType, before, after)
	return e, nil
}

// Event is one event of the trail, for an administrator (edit.ErrNotFound for anyone else,
// and for an event that does not exist).
func (s *Store) Event(ctx context.Context, v access.Viewer, id int64) (Entry, error) {
	if err := adminsOnly(v); err != nil {
		return Entry{}, err
	}
	e, err := s.scanEntry(s.db.QueryRow(ctx, s.selectSQL+` WHERE e.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return Entry{}, fmt.Errorf("audit: event %d: %w", id, edit.ErrNotFound)
	}
	if err != nil {
		return Entry{}, fmt.Errorf("audit: event %d: %w", id, err)
	}
	return e, nil
}

// resolve turns the filter's person and organisation into ids (nil for "any"), refusing ones
// that do not exist.
func resolve(ctx context.Context, db postgres.Querier, f Filter) (actor, agency *int64, err error) {
	var errs validate.Errors
	if f.ActorID != 0 {
		var found bool
		if err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE id = $1)`, f.ActorID).Scan(&found); err != nil {
			return nil, nil, fmt.Errorf("audit: find person %d: %w", f.ActorID, err)
		}
		if !found {
			errs.Add("actor", "Choose a person from the list")
		}
		actor = &f.ActorID
	}
	if f.Org != "" {
		var id int64
		err := db.QueryRow(ctx, `SELECT id FROM agencies WHERE slug = $1`, f.Org).Scan(&id)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			errs.Add("org", "Choose an organisation from the list")
		case err != nil:
			return nil, nil, fmt.Errorf("audit: find organisation %s: %w", f.Org, err)
		}
		agency = &id
	}
	if len(errs) > 0 {
		return nil, nil, errs
	}
	return actor, agency, nil
}

// Person is a choice of the "person" filter.
type Person struct {
	ID          int64
	Name, Email string
}

// Org is a choice of the "organisation" filter.
type Org struct{ Slug, Name string }

// Choices are the people and organisations the filter offers.
type Choices struct {
	People []Person
	Orgs   []Org
}

// FilterChoices lists the people who have acted and the organisations events concern (and
// whichever f has chosen, so the form shows it), for an administrator; anyone else gets
// edit.ErrNotFound.
func (s *Store) FilterChoices(ctx context.Context, v access.Viewer, f Filter) (Choices, error) {
	var c Choices
	if err := adminsOnly(v); err != nil {
		return c, err
	}
	rows, err := s.db.Query(ctx, `SELECT u.id, u.name, u.email FROM users u
		WHERE u.id = $1 OR EXISTS (SELECT 1 FROM audit_events e WHERE e.actor_id = u.id)
		ORDER BY lower(u.name), u.email`, f.ActorID)
	if err != nil {
		return c, fmt.Errorf("audit: people: %w", err)
	}
	c.People, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Person, error) {
		var p Person
		return p, r.Scan(&p.ID, &p.Name, &p.Email)
	})
	if err != nil {
		return c, fmt.Errorf("audit: people: %w", err)
	}
	rows, err = s.db.Query(ctx, `SELECT a.slug, a.name FROM agencies a
		WHERE a.slug = $1 OR EXISTS (SELECT 1 FROM audit_events e WHERE e.agency_id = a.id)
		ORDER BY lower(a.name), a.slug`, f.Org)
	if err != nil {
		return c, fmt.Errorf("audit: organisations: %w", err)
	}
	c.Orgs, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Org, error) {
		var o Org
		return o, r.Scan(&o.Slug, &o.Name)
	})
	if err != nil {
		return c, fmt.Errorf("audit: organisations: %w", err)
	}
	return c, nil
}
