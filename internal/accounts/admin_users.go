package accounts

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/edit"
	"dadirectory/internal/postgres"
	"dadirectory/internal/validate"
)

// Admins manage accounts here: list them, invite people, change a role or organisation,
// deactivate and reactivate, and issue password reset links. Every function checks that the
// viewer is an admin, though the route group already has: the rule lives beside the data.

// RefusedError is a change refused for a reason the admin must hear (the last admin, their own
// account); nothing was written.
type RefusedError struct{ Message string }

func (e *RefusedError) Error() string { return e.Message }

// Account is a user as the admin pages show them.
type Account struct {
	ID          int64
	Email       string
	Name        string
	Role        access.Role
	AgencyID    int64
	AgencySlug  string
	AgencyName  string
	ContactID   int64 // the champion entry a champion keeps
	ContactName string
	Active      bool
	PasswordSet bool       // false until an invitation is accepted
	TwoFactor   bool       // signing in asks for a code from an app
	LinkExpires *time.Time // an open invitation or reset link, if any
	LastLoginAt *time.Time
	Epoch       int
	Version     int
	CreatedAt   time.Time
}

// auditRow is the account as the audit trail records it: what an admin can change, by names
// a person reads (and an admin can revert), never the password hash.
func (a Account) auditRow() map[string]any {
	var org, entry any
	if a.AgencySlug != "" {
		org = a.AgencySlug
	}
	if a.ContactID != 0 {
		entry = a.ContactID
	}
	return map[string]any{"email": a.Email, "name": a.Name, "role": string(a.Role), "organisation": org,
		"champion_entry": entry, "active": a.Active, "version": a.Version}
}

// Filter chooses which accounts to list; zero fields mean any.
type Filter struct {
	Role   access.Role
	Active string // "", "yes" or "no"
}

// ParseFilter reads the list's filters (role, active); bad values give field errors.
func ParseFilter(v url.Values) (Filter, validate.Errors) {
	var f Filter
	var errs validate.Errors
	if r := access.Role(v.Get("role")); r != "" {
		if !r.Valid() {
			errs.Add("role", "Choose a role from the list")
		} else {
			f.Role = r
		}
	}
	switch a := v.Get("active"); a {
	case "", "yes", "no":
		f.Active = a
	default:
		errs.Add("active", "Choose active, deactivated or either")
	}
	return f, errs
}

const accountColumns = `u.id, u.email, u.name, u.role, coalesce(u.agency_id, 0), coalesce(a.slug, ''), coalesce(a.name, ''),
	coalesce(u.contact_id, 0), coalesce(c.role_title, ''), u.active, u.password_hash <> '', u.totp_secret IS NOT NULL,
	(SELECT max(t.expires_at) FROM user_tokens t WHERE t.user_id = u.id AND t.used_at IS NULL AND t.revoked_at IS NULL AND t.expires_at > now()),
	u.last_login_at, u.session_epoch, u.version, u.created_at`

const accountFrom = ` FROM users u LEFT JOIN agencies a ON a.id = u.agency_id LEFT JOIN contacts c ON c.id = u.contact_id`

func scanAccount(row pgx.Row) (Account, error) {
	var a Account
	err := row.Scan(&a.ID, &a.Email, &a.Name, &a.Role, &a.AgencyID, &a.AgencySlug, &a.AgencyName, &a.ContactID, &a.ContactName,
		&a.Active, &a.PasswordSet, &a.TwoFactor, &a.LinkExpires, &a.LastLoginAt, &a.Epoch, &a.Version, &a.CreatedAt)
	return a, err
}

// List returns the accounts matching f, by name. Only admins may; anyone else gets
// edit.ErrNotFound, as for every function here.
func (s *Store) List(ctx context.Context, v access.Viewer, f Filter) ([]Account, error) {
	if !v.IsAdmin() {
		return nil, edit.ErrNotFound
	}
	var role *string
	if f.Role != "" {
		s := string(f.Role)
		role = &s
	}
	var active *bool
	if f.Active != "" {
		b := f.Active == "yes"
		active = &b
	}
	rows, err := s.db.Query(ctx, `SELECT `+accountColumns+accountFrom+`
		WHERE ($1::text IS NULL OR u.role = $1) AND ($2::boolean IS NULL OR u.active = $2)
		ORDER BY lower(u.name), u.email`, role, active)
	if err != nil {
		return nil, fmt.Errorf("accounts: list: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Account, error) { return scanAccount(r) })
	if err != nil {
		return nil, fmt.Errorf("accounts: list: %w", err)
	}
	return out, nil
}

// Get returns one account for an admin, or edit.ErrNotFound.
func (s *Store) Get(ctx context.Context, v access.Viewer, id int64) (Account, error) {
	if !v.IsAdmin() {
		return Account{}, edit.ErrNotFound
	}
	return loadAccount(ctx, s.db, id, false)
}

func loadAccount(ctx context.Context, q postgres.Querier, id int64, lock bool) (Account, error) {
	sql := `SELECT ` + accountColumns + accountFrom + ` WHERE u.id = $1`
	if lock {
		sql += ` FOR UPDATE OF u`
	}
	a, err := scanAccount(q.QueryRow(ctx, sql, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return a, edit.ErrNotFound
	}
	if err != nil {
		return a, fmt.Errorf("accounts: account %d: %w", id, err)
	}
	return a, nil
}

// Choice is an organisation or champion entry an account can be linked to.
type Choice struct {
	ID   int64
	Name string
}

// Choices are what the account forms offer: organisations and champion entries.
type Choices struct {
	Orgs      []Choice
	Champions []Choice
}

// FormChoices lists current organisations and champion entries (and whichever the account
// already has, archived or not, so its form can show it).
func (s *Store) FormChoices(ctx context.Context, v access.Viewer, keepOrg, keepContact int64) (Choices, error) {
	var c Choices
	if !v.IsAdmin() {
		return c, edit.ErrNotFound
	}
	collect := func(sql string, arg int64) ([]Choice, error) {
		rows, err := s.db.Query(ctx, sql, arg)
		if err != nil {
			return nil, fmt.Errorf("accounts: form choices: %w", err)
		}
		return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Choice, error) {
			var x Choice
			return x, r.Scan(&x.ID, &x.Name)
		})
	}
	var err error
	if c.Orgs, err = collect(`SELECT id, name FROM agencies WHERE archived_at IS NULL OR id = $1
		ORDER BY lower(name), id`, keepOrg); err != nil {
		return c, err
	}
	c.Champions, err = collect(`SELECT c.id, c.role_title || ' (' || a.name || ')' FROM contacts c JOIN agencies a ON a.id = c.agency_id
		WHERE (c.kind = 'champion' AND c.archived_at IS NULL AND a.archived_at IS NULL) OR c.id = $1
		ORDER BY lower(c.role_title), c.id`, keepContact)
	return c, err
}

// Input is what the invite and edit forms send, ids as the forms send them. The JSON names are
// the form's field names, so a page can carry the values it started from (see AccountForm).
type Input struct {
	Email    string `json:"-"` // invitation only: an address is not changed here
	Name     string `json:"-"` // invitation only
	Role     string `json:"role"`
	Org      string `json:"organisation"`   // agency id, "" for none
	Champion string `json:"champion_entry"` // contact id of a champion entry, "" for none
	// Active is the status the page showed: no form sends it, but a conflict reports it.
	Active bool `json:"active"`
}

// Input is the account as its form starts.
func (a Account) Input() Input {
	return Input{Role: string(a.Role), Org: idString(a.AgencyID), Champion: idString(a.ContactID), Active: a.Active}
}

// AccountForm is the account form for comparing and merging after a conflict (see
// internal/edit); c names the organisations and champion entries.
func AccountForm(c Choices) edit.Form[Input] {
	text := edit.Text[Input]
	return edit.Form[Input]{Fields: []edit.Field[Input]{
		text("role", "Role", func(in *Input) *string { return &in.Role }).ShownAs(func(s string) string { return access.Role(s).Label() }),
		text("organisation", "Organisation", func(in *Input) *string { return &in.Org }).ShownAs(func(s string) string { return choiceName(c.Orgs, s) }),
		text("champion_entry", "Champion entry", func(in *Input) *string { return &in.Champion }).ShownAs(func(s string) string { return choiceName(c.Champions, s) }),
		{
			Name: "active", Label: "Status",
			Key:  func(in Input) string { return activeWord(in.Active) },
			Show: func(in Input) string { return activeWord(in.Active) },
			Take: func(dst *Input, src Input) { dst.Active = src.Active },
		},
	}}
}

func choiceName(choices []Choice, id string) string {
	if id == "" {
		return "None"
	}
	for _, c := range choices {
		if idString(c.ID) == id {
			return c.Name
		}
	}
	return "Not on the list (" + id + ")"
}

func activeWord(active bool) string {
	if active {
		return "Active"
	}
	return "Deactivated"
}

func idString(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

// cleaned is an Input checked and resolved.
type cleaned struct {
	email, name string
	role        access.Role
	agencyID    int64
	contactID   int64
}

// clean checks in. Organisations belong to RSL officers only: the viewer of any other role
// carries no organisation, so no feature can mistake one for a right to edit it. Champion
// entries belong to champions only. Existence is checked in tx.
func clean(ctx context.Context, tx pgx.Tx, in Input, invite bool) (cleaned, validate.Errors) {
	var c cleaned
	var e validate.Errors
	if invite {
		// In the order of the form, so the error summary reads as the form does.
		c.name = e.Name("name", "Their full name", in.Name, true, 120)
		if strings.TrimSpace(in.Email) == "" {
			e.Add("email", "Enter their email address")
		} else if email, err := NormalizeEmail(in.Email); err != nil || !utf8.ValidString(in.Email) || strings.ContainsFunc(in.Email, unicode.IsControl) {
			e.Add("email", "Enter an email address like name@example.org")
		} else {
			c.email = email
		}
	}
	c.role = access.Role(e.OneOf("role", "a role", in.Role, "admin", "champion", "housing_staff", "rsl_officer"))
	c.agencyID = parseID(&e, "organisation", "Choose an organisation from the list", in.Org)
	c.contactID = parseID(&e, "champion_entry", "Choose a champion entry from the list", in.Champion)
	if e.Has("role") {
		return c, e
	}
	switch {
	case c.role == access.RSLOfficer && c.agencyID == 0 && !e.Has("organisation"):
		e.Add("organisation", "Choose the organisation this RSL officer works for")
	case c.role != access.RSLOfficer && c.agencyID != 0:
		e.Add("organisation", "Only RSL officers belong to an organisation here. Choose ‘None’, or make them an RSL officer.")
	}
	if c.role != access.Champion && c.contactID != 0 {
		e.Add("champion_entry", "Only champions keep a champion entry. Choose ‘None’, or make them a champion.")
	}
	if c.agencyID != 0 && !e.Has("organisation") && !exists(ctx, tx, `SELECT true FROM agencies WHERE id = $1 AND archived_at IS NULL`, c.agencyID) {
		e.Add("organisation", "Choose an organisation from the list")
	}
	if c.contactID != 0 && !e.Has("champion_entry") && !exists(ctx, tx,
		`SELECT true FROM contacts WHERE id = $1 AND kind = 'champion' AND archived_at IS NULL`, c.contactID) {
		e.Add("champion_entry", "Choose a champion entry from the list")
	}
	return c, e
}

func parseID(e *validate.Errors, field, msg, s string) int64 {
	if s == "" {
		return 0
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		e.Add(field, msg)
		return 0
	}
	return id
}

// exists reports whether sql finds a row; a failed query reads as "no", and the transaction
// then fails on its next statement anyway.
func exists(ctx context.Context, tx pgx.Tx, sql string, id int64) bool {
	var ok bool
	return tx.QueryRow(ctx, sql, id).Scan(&ok) == nil && ok
}
