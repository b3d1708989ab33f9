package training

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"dadirectory/internal/access"
	"dadirectory/internal/audit"
	"dadirectory/internal/edit"
	"dadirectory/internal/postgres"
	"dadirectory/internal/validate"
)

// Case consultations and coaching (issue 17) are the model's other sessions: no venue
// capacity, but slots, each a time with a named practitioner, booked by one person each.
// They are for signed-in staff only; admins create the sessions and their slots.

// Session kinds: training (courses' sessions, with places) and the two kinds made of slots.
const (
	KindTraining     = "training"
	KindConsultation = "consultation"
	KindCoaching     = "coaching"
)

// SlotKinds are the kinds of session made of slots, in the order forms offer them.
var SlotKinds = []Choice{{KindConsultation, "Case consultation"}, {KindCoaching, "Coaching"}}

// KindLabel names a session kind in words.
func KindLabel(kind string) string {
	if kind == KindTraining {
		return "Training"
	}
	return Label(SlotKinds, kind)
}

// The refusals of booking a slot.
var (
	ErrSlotTaken   = &Refusal{"slot taken", "Someone else has just booked this slot. Choose another time."}
	ErrSlotPast    = &Refusal{"slot past", "This slot has already started, so it can no longer be booked."}
	ErrOneSlotEach = &Refusal{"one slot each", "You already have a slot in this session. Cancel it first to choose another time."}
)

// Consultation is a case consultation or coaching session and its slots.
type Consultation struct {
	ID          int64
	Kind        string
	Title       string
	Description string
	Venue       string
	Version     int
	Slots       []Slot
}

// Slot is one time with a named practitioner. BookedName is shown to admins only (empty for
// anyone else); Mine says the viewer booked it.
type Slot struct {
	ID              int64
	SessionID       int64
	SessionTitle    string
	Kind            string
	StartsAt        time.Time
	Minutes         int
	Practitioner    string
	PractitionerOrg string
	Taken           bool
	Mine            bool
	BookedName      string
	BookedEmail     string
	Version         int
	UpdatedAt       time.Time
}

// EndsAt is when the slot ends.
func (s Slot) EndsAt() time.Time { return s.StartsAt.Add(time.Duration(s.Minutes) * time.Minute) }

// Input is the slot's form as it starts.
func (s Slot) Input() SlotInput {
	return SlotInput{StartsAt: LocalInput(s.StartsAt), Minutes: strconv.Itoa(s.Minutes), Practitioner: s.Practitioner,
		PractitionerOrg: s.PractitionerOrg}
}

// ConsultationInput is the form of a new consultation or coaching session.
type ConsultationInput struct {
	Kind        string `json:"kind"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Venue       string `json:"venue"`
}

// SlotInput is a slot's form as typed; the JSON names are the form's field names.
type SlotInput struct {
	StartsAt        string `json:"starts_at"`
	Minutes         string `json:"minutes"`
	Practitioner    string `json:"practitioner"`
	PractitionerOrg string `json:"practitioner_org"`
}

// SlotForm is the editing kernel's description of a slot's form: how a conflict is shown.
func SlotForm() edit.Form[SlotInput] {
	return edit.Form[SlotInput]{Fields: []edit.Field[SlotInput]{
		edit.Text("starts_at", "Starts", func(s *SlotInput) *string { return &s.StartsAt }),
		edit.Text("minutes", "Length in minutes", func(s *SlotInput) *string { return &s.Minutes }),
		edit.Text("practitioner", "Practitioner", func(s *SlotInput) *string { return &s.Practitioner }),
		edit.Text("practitioner_org", "Practitioner's organisation", func(s *SlotInput) *string { return &s.PractitionerOrg }),
	}}
}

func cleanConsultation(in ConsultationInput) (ConsultationInput, validate.Errors) {
	var e validate.Errors
	in.Kind = e.OneOf("kind", "what kind of session it is", in.Kind, KindConsultation, KindCoaching)
	in.Title = e.Name("title", "Title", in.Title, true, 200)
	in.Description = e.PlainText("description", "Description", in.Description, false, 2000)
	in.Venue = e.Name("venue", "Where it happens", in.Venue, false, 300)
	return in, e
}

type slotValues struct {
	StartsAt                      time.Time
	Minutes                       int
	Practitioner, PractitionerOrg string
}

// cleanSlot checks a slot's form; prev is the slot as saved (nil for a new one): a start left
// as it was may be in the past, a changed one may not.
func cleanSlot(in SlotInput, now time.Time, prev *Slot) (slotValues, validate.Errors) {
	var e validate.Errors
	var out slotValues
	if starts, ok := parseLocal(&e, "starts_at", "the slot starts", in.StartsAt, true); ok {
		out.StartsAt = starts
		if !starts.After(now) && (prev == nil || !starts.Equal(prev.StartsAt)) {
			e.Add("starts_at", "The start must be in the future")
		}
	}
	m, err := strconv.Atoi(strings.TrimSpace(in.Minutes))
	switch {
	case strings.TrimSpace(in.Minutes) == "":
		e.Add("minutes", "Enter the length of the slot in minutes")
	case err != nil:
		e.Add("minutes", "The length must be a whole number of minutes, like 45")
	case m < 10 || m > 480:
		e.Add("minutes", "The length must be between 10 and 480 minutes")
	default:
		out.Minutes = m
	}
	out.Practitioner = e.Name("practitioner", "Practitioner's name", in.Practitioner, true, 120)
	out.PractitionerOrg = e.Name("practitioner_org", "Practitioner's organisation", in.PractitionerOrg, false, 200)
	return out, e
}

const slotColumns = `x.id, x.session_id, c.title, c.kind, x.starts_at, x.minutes, x.practitioner, x.practitioner_org,
	x.booked_by IS NOT NULL, coalesce(x.booked_by = $1, false),
	CASE WHEN $2::bool THEN coalesce(u.name, '') ELSE '' END, CASE WHEN $2::bool THEN coalesce(u.email, '') ELSE '' END,
	x.version, x.updated_at`

const slotFrom = ` FROM consultation_slots x JOIN consultation_sessions c ON c.id = x.session_id
	LEFT JOIN users u ON u.id = x.booked_by`

func scanSlot(row pgx.Row) (Slot, error) {
	var x Slot
	err := row.Scan(&x.ID, &x.SessionID, &x.SessionTitle, &x.Kind, &x.StartsAt, &x.Minutes, &x.Practitioner, &x.PractitionerOrg,
		&x.Taken, &x.Mine, &x.BookedName, &x.BookedEmail, &x.Version, &x.UpdatedAt)
	return x, err
}

// Consultations lists the sessions made of slots with their slots still to come, soonest
// first; admins also see sessions with none to come, and who booked each slot. Anyone not
// signed in gets none.
func (s *Store) Consultations(ctx context.Context, v access.Viewer) ([]Consultation, error) {
	if !v.IsStaff() {
		return nil, nil
	}
	rows, err := s.db.Query(ctx, `SELECT id, kind, title, description, venue, version FROM consultation_sessions c
		WHERE $1::bool OR EXISTS (SELECT 1 FROM consultation_slots x WHERE x.session_id = c.id AND x.starts_at > $2)
		ORDER BY (SELECT min(starts_at) FROM consultation_slots x WHERE x.session_id = c.id AND x.starts_at > $2) NULLS LAST, lower(title), id`,
		v.IsAdmin(), s.now())
	if err != nil {
		return nil, wrap("consultations", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Consultation, error) {
		var c Consultation
		return c, r.Scan(&c.ID, &c.Kind, &c.Title, &c.Description, &c.Venue, &c.Version)
	})
	if err != nil {
		return nil, wrap("consultations", err)
	}
	slots, err := s.db.Query(ctx, `SELECT `+slotColumns+slotFrom+` WHERE x.starts_at > $3 ORDER BY x.starts_at, x.id`,
		v.UserID, v.IsAdmin(), s.now())
	if err != nil {
		return nil, wrap("consultation slots", err)
	}
	all, err := pgx.CollectRows(slots, func(r pgx.CollectableRow) (Slot, error) { return scanSlot(r) })
	if err != nil {
		return nil, wrap("consultation slots", err)
	}
	at := map[int64]int{}
	for i, c := range list {
		at[c.ID] = i
	}
	for _, x := range all {
		if i, ok := at[x.SessionID]; ok {
			list[i].Slots = append(list[i].Slots, x)
		}
	}
	return list, nil
}

// Consultation is one session and all its slots, past ones too: for admins only.
func (s *Store) Consultation(ctx context.Context, v access.Viewer, id int64) (Consultation, error) {
	var c Consultation
	if !v.IsAdmin() {
		return c, edit.ErrNotFound
	}
	err := s.db.QueryRow(ctx, `SELECT id, kind, title, description, venue, version FROM consultation_sessions WHERE id = $1`, id).
		Scan(&c.ID, &c.Kind, &c.Title, &c.Description, &c.Venue, &c.Version)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, edit.ErrNotFound
	}
	if err != nil {
		return c, wrap("consultation", err)
	}
	rows, err := s.db.Query(ctx, `SELECT `+slotColumns+slotFrom+` WHERE x.session_id = $3 ORDER BY x.starts_at, x.id`, v.UserID, true, id)
	if err != nil {
		return c, wrap("consultation slots", err)
	}
	c.Slots, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Slot, error) { return scanSlot(r) })
	return c, wrap("consultation slots", err)
}

// Slot is one slot as the viewer may see it: staff see every slot, only admins who booked it.
func (s *Store) Slot(ctx context.Context, v access.Viewer, id int64) (Slot, error) {
	if !v.IsStaff() {
		return Slot{}, edit.ErrNotFound
	}
	return loadSlot(ctx, s.db, v, id, false)
}

func loadSlot(ctx context.Context, q postgres.Querier, v access.Viewer, id int64, lock bool) (Slot, error) {
	sql := `SELECT ` + slotColumns + slotFrom + ` WHERE x.id = $3`
	if lock {
		sql += ` FOR UPDATE OF x`
	}
	x, err := scanSlot(q.QueryRow(ctx, sql, v.UserID, v.IsAdmin(), id))
	if errors.Is(err, pgx.ErrNoRows) {
		return x, edit.ErrNotFound
	}
	return x, wrap("slot", err)
}

// CreateConsultation adds a case consultation or coaching session (admins only), audited.
func (s *Store) CreateConsultation(ctx context.Context, v access.Viewer, in ConsultationInput) (int64, error) {
	if !v.IsAdmin() {
		return 0, edit.ErrNotFound
	}
	in, e := cleanConsultation(in)
	if err := e.Err(); err != nil {
		return 0, err
	}
	var id int64
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO consultation_sessions (kind, title, description, venue) VALUES ($1, $2, $3, $4)
			RETURNING id`, in.Kind, in.Title, in.Description, in.Venue).Scan(&id); err != nil {
			return wrap("create consultation", err)
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: "consultation.create", EntityType: "consultation",
			EntityID: id, After: map[string]any{"kind": in.Kind, "title": in.Title, "description": in.Description, "venue": in.Venue, "version": 1}})
	})
	return id, err
}

// AddSlot adds a slot to session id (admins only), audited.
func (s *Store) AddSlot(ctx context.Context, v access.Viewer, sessionID int64, in SlotInput) (Slot, error) {
	if !v.IsAdmin() {
		return Slot{}, edit.ErrNotFound
	}
	val, e := cleanSlot(in, s.now(), nil)
	if err := e.Err(); err != nil {
		return Slot{}, err
	}
	var out Slot
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		var id int64
		err := tx.QueryRow(ctx, `INSERT INTO consultation_slots (session_id, starts_at, minutes, practitioner, practitioner_org)
			SELECT id, $2, $3, $4, $5 FROM consultation_sessions WHERE id = $1 RETURNING id`,
			sessionID, val.StartsAt, val.Minutes, val.Practitioner, val.PractitionerOrg).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return edit.ErrNotFound
		}
		if err != nil {
			return wrap("add slot", err)
		}
		if out, err = loadSlot(ctx, tx, v, id, false); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: "slot.create", EntityType: "slot",
			EntityID: id, After: out.auditRow()})
	})
	return out, err
}

// UpdateSlot saves a slot's time, length and practitioner (admins only) if it is still at
// version; otherwise an edit.ConflictError with the slot as saved now.
func (s *Store) UpdateSlot(ctx context.Context, v access.Viewer, id int64, version int, in SlotInput) (Slot, error) {
	if !v.IsAdmin() {
		return Slot{}, edit.ErrNotFound
	}
	var out Slot
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		before, err := loadSlot(ctx, tx, v, id, true)
		if err != nil {
			return err
		}
		val, e := cleanSlot(in, s.now(), &before)
		if err := e.Err(); err != nil {
			return err
		}
		if before.Version != version {
			return edit.Conflicted(before)
		}
		if _, err := tx.Exec(ctx, `UPDATE consultation_slots SET starts_at = $2, minutes = $3, practitioner = $4, practitioner_org = $5,
				version = version + 1, updated_at = now() WHERE id = $1`, id, val.StartsAt, val.Minutes, val.Practitioner, val.PractitionerOrg); err != nil {
			return wrap("update slot", err)
		}
		if out, err = loadSlot(ctx, tx, v, id, false); err != nil {
			return err
		}
		if out.Input() == before.Input() {
			out = before // nothing changed: no new version, no event
			return errNothingChanged
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: "slot.update", EntityType: "slot",
			EntityID: id, Before: before.auditRow(), After: out.auditRow()})
	})
	if errors.Is(err, errNothingChanged) {
		return out, nil
	}
	return out, err
}

// errNothingChanged rolls back a save that changed nothing.
var errNothingChanged = errors.New("training: nothing changed")

// BookSlot books slot id for the viewer. The slot is taken in one conditional UPDATE, so of
// two people booking the same slot at once exactly one wins; the other is refused with
// ErrSlotTaken. A person holds one slot per session (a unique index holds that too).
func (s *Store) BookSlot(ctx context.Context, v access.Viewer, id int64) (Slot, error) {
	if !v.IsStaff() {
		return Slot{}, edit.ErrNotFound
	}
	var out Slot
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE consultation_slots SET booked_by = $2, booked_at = now(), version = version + 1, updated_at = now()
			WHERE id = $1 AND booked_by IS NULL AND starts_at > $3`, id, v.UserID, s.now())
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.ConstraintName == "consultation_slots_one_each" {
			return ErrOneSlotEach
		}
		if err != nil {
			return wrap("book slot", err)
		}
		x, err := loadSlot(ctx, tx, v, id, false)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			switch {
			case x.Mine:
				out = x // booked already by this person: nothing to do
				return nil
			case x.Taken:
				return ErrSlotTaken
			default:
				return ErrSlotPast
			}
		}
		out = x
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: "slot.book", EntityType: "slot", EntityID: id,
			Before: map[string]any{"booked_by": nil}, After: map[string]any{"booked_by": v.UserID, "session": x.SessionTitle, "starts_at": x.StartsAt}})
	})
	return out, err
}

// CancelSlot gives up the viewer's own booking of slot id; a slot they have not booked is
// edit.ErrNotFound. The slot is free again for anyone.
func (s *Store) CancelSlot(ctx context.Context, v access.Viewer, id int64) (Slot, error) {
	if !v.IsStaff() {
		return Slot{}, edit.ErrNotFound
	}
	var out Slot
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE consultation_slots SET booked_by = NULL, booked_at = NULL, version = version + 1, updated_at = now()
			WHERE id = $1 AND booked_by = $2`, id, v.UserID)
		if err != nil {
			return wrap("cancel slot", err)
		}
		if tag.RowsAffected() == 0 {
			return edit.ErrNotFound
		}
		if out, err = loadSlot(ctx, tx, v, id, false); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: "slot.cancel", EntityType: "slot", EntityID: id,
			Before: map[string]any{"booked_by": v.UserID, "session": out.SessionTitle, "starts_at": out.StartsAt}, After: map[string]any{"booked_by": nil}})
	})
	return out, err
}

func (x Slot) auditRow() map[string]any {
	return map[string]any{"session": x.SessionTitle, "starts_at": x.StartsAt, "minutes": x.Minutes, "practitioner": x.Practitioner,
		"practitioner_org": x.PractitionerOrg, "version": x.Version}
}

// ConsultationAuditLabels are the slot form's labels for the fields its events record.
func ConsultationAuditLabels() audit.Labels {
	return audit.Labels{"slot": SlotForm().Labels()}
}

// ConsultationAuditNames name slots in the trail by their session, day, time and
// practitioner, and sessions by their title.
func ConsultationAuditNames() []audit.Name {
	return []audit.Name{
		{Type: "slot", SQL: `(SELECT cs.title || ', ' || to_char(x.starts_at AT TIME ZONE 'Europe/London', 'FMDD FMMonth YYYY, HH24:MI') ||
			', with ' || x.practitioner FROM consultation_slots x JOIN consultation_sessions cs ON cs.id = x.session_id WHERE x.id = e.entity_id)`},
		{Type: "consultation", SQL: `(SELECT cs.title FROM consultation_sessions cs WHERE cs.id = e.entity_id)`},
	}
}
