package server

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"dadirectory/internal/edit"
	"dadirectory/internal/training"
	"dadirectory/internal/uktime"
	"dadirectory/internal/validate"
	"dadirectory/templates"
)

// Managing a session: adding one to a course, changing it, cancelling it, and recording who
// attended. Every id is checked against what the viewer manages in the store's SQL.

func readSessionInput(f url.Values) training.SessionInput {
	for _, name := range []string{"starts_at", "ends_at", "booking_closes"} {
		validate.JoinDate(f, name)
	}
	return training.SessionInput{StartsAt: f.Get("starts_at"), EndsAt: f.Get("ends_at"), Venue: f.Get("venue"),
		OnlineURL: f.Get("online_url"), Capacity: f.Get("capacity"), BookingCloses: f.Get("booking_closes")}
}

func (s *Server) handleSessionCreate(w http.ResponseWriter, r *http.Request) error {
	slug, err := pathSlug(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	in := readSessionInput(r.PostForm)
	x, err := s.training.AddSession(r.Context(), viewer(r.Context()), slug, in)
	var invalid validate.Errors
	switch {
	case err == nil:
		return s.redirectWithFlash(w, r, "/admin/training/"+slug, "Session added: "+sessionWhen(x)+".")
	case errors.As(err, &invalid):
		return s.renderCourseAdmin(w, r, http.StatusUnprocessableEntity, slug, in, templates.FieldErrors(invalid))
	default:
		return err
	}
}

func sessionWhen(x training.SessionEdit) string {
	return x.StartsAt.In(uktime.London).Weekday().String() + " " + uktime.DateTime(x.StartsAt)
}

func (s *Server) handleSessionAdmin(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	x, err := s.training.SessionForEdit(r.Context(), viewer(r.Context()), id)
	if err != nil {
		return err
	}
	return s.renderSessionAdmin(w, r, http.StatusOK, templates.SessionAdminPage{Session: x, Form: x.Input(),
		Version: x.Version, Original: edit.Original(x.Input())})
}

func (s *Server) renderSessionAdmin(w http.ResponseWriter, r *http.Request, status int, page templates.SessionAdminPage) error {
	page.Now = time.Now()
	if status == http.StatusOK {
		page.Flash = s.popFlash(r)
	}
	return s.render(w, r, status, templates.SessionAdmin(s.base(r), page))
}

func (s *Server) handleSessionUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	version, err := parseVersionForm(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	v := viewer(ctx)
	in := readSessionInput(r.PostForm)
	x, err := s.training.UpdateSession(ctx, v, id, in, version)
	var invalid validate.Errors
	var conflict *edit.ConflictError[training.SessionEdit]
	var refusal *training.Refusal
	switch {
	case err == nil:
		return s.redirectWithFlash(w, r, "/admin/training/sessions/"+strconv.FormatInt(id, 10), savedMessage("Session saved.", version, x.Version))
	case errors.As(err, &invalid):
		saved, err := s.training.SessionForEdit(ctx, v, id)
		if err != nil {
			return err
		}
		return s.renderSessionAdmin(w, r, http.StatusUnprocessableEntity, templates.SessionAdminPage{Session: saved, Form: in,
			Version: version, Original: r.PostForm.Get("original"), Errors: templates.FieldErrors(invalid)})
	case errors.As(err, &conflict):
		now := conflict.Current
		merged, c := training.SessionForm().Resolve(r.PostForm.Get("original"), now.Input(), in)
		return s.renderSessionAdmin(w, r, http.StatusConflict, templates.SessionAdminPage{Session: now, Form: merged,
			Version: now.Version, Original: edit.Original(now.Input()), Conflict: c})
	case errors.As(err, &refusal):
		return s.sessionRefused(w, r, id, refusal)
	default:
		return err
	}
}

// sessionRefused redraws the session page (as saved) with the reason an action was refused.
func (s *Server) sessionRefused(w http.ResponseWriter, r *http.Request, id int64, refusal *training.Refusal) error {
	x, err := s.training.SessionForEdit(r.Context(), viewer(r.Context()), id)
	if err != nil {
		return err
	}
	return s.renderSessionAdmin(w, r, http.StatusConflict, templates.SessionAdminPage{Session: x, Form: x.Input(),
		Version: x.Version, Original: edit.Original(x.Input()), Refusal: refusal.Message})
}

// handleSessionCancel cancels in two steps, without JavaScript: the button posts ask=1, which
// shows the session and asks; the answer posts the version shown, and cancels. A post with
// neither is refused as a conflict, showing the same question.
func (s *Server) handleSessionCancel(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	ctx := r.Context()
	v := viewer(ctx)
	if r.PostForm.Get("ask") != "" {
		x, err := s.training.SessionForEdit(ctx, v, id)
		if err != nil {
			return err
		}
		if x.CancelledAt != nil {
			return s.sessionRefused(w, r, id, training.ErrAlreadyCancelled)
		}
		page := templates.SessionCancelPage{Session: x, Original: edit.Original(x.Input())}
		return s.render(w, r, http.StatusOK, templates.SessionCancel(s.base(r), page))
	}
	version, err := parseVersionForm(r)
	if err != nil {
		return err
	}
	x, err := s.training.CancelSession(ctx, v, id, version)
	var conflict *edit.ConflictError[training.SessionEdit]
	var refusal *training.Refusal
	switch {
	case err == nil:
		return s.redirectWithFlash(w, r, "/admin/training/sessions/"+strconv.FormatInt(id, 10),
			fmt.Sprintf("Session cancelled. The %d people booked or waiting see it on their training page.", x.Taken+x.Waiting))
	case errors.As(err, &conflict):
		now := conflict.Current
		page := templates.SessionCancelPage{Session: now, Original: edit.Original(now.Input()),
			Conflict: training.SessionForm().Recheck(r.PostForm.Get("original"), now.Input())}
		return s.render(w, r, http.StatusConflict, templates.SessionCancel(s.base(r), page))
	case errors.As(err, &refusal):
		return s.sessionRefused(w, r, id, refusal)
	default:
		return err
	}
}

// handleSessionAttendance records who came: the form lists every booking it shows ("listed")
// and ticks those who attended ("attended").
func (s *Server) handleSessionAttendance(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	listed, err1 := formIDs(r.PostForm["listed"])
	attended, err2 := formIDs(r.PostForm["attended"])
	if err := errors.Join(err1, err2); err != nil {
		// Not a form this site sent; but a session the viewer does not manage stays a 404.
		if _, err := s.training.SessionForEdit(r.Context(), viewer(r.Context()), id); err != nil {
			return err
		}
		return badForm(err)
	}
	n, err := s.training.MarkAttendance(r.Context(), viewer(r.Context()), id, listed, attended)
	var refusal *training.Refusal
	switch {
	case err == nil:
		return s.redirectWithFlash(w, r, "/admin/training/sessions/"+strconv.FormatInt(id, 10),
			fmt.Sprintf("Attendance saved (%d changed).", n))
	case errors.As(err, &refusal):
		return s.sessionRefused(w, r, id, refusal)
	default:
		return err
	}
}

// formIDs reads repeated id fields; a value that is not an id means the form was not ours.
func formIDs(values []string) ([]int64, error) {
	if len(values) > 5000 {
		return nil, errors.New("too many ids")
	}
	out := make([]int64, 0, len(values))
	for _, v := range values {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return nil, fmt.Errorf("bad id %q", v)
		}
		out = append(out, id)
	}
	return out, nil
}
