package server

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strconv"

	"github.com/go-chi/chi/v5"

	"dadirectory/internal/edit"
	"dadirectory/templates"
)

// What every form handler shares: the id or slug a URL names, the version a form carries, a
// form that cannot be read at all, and the one-off message that follows a redirect.

// sessionFlash carries a one-off "saved" message across the redirect after a post.
const sessionFlash = "flash"

// pathID is the {id} of the URL. Anything but a positive number names nothing: a page that
// does not exist, like the id of a row the viewer may not see.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, edit.ErrNotFound
	}
	return id, nil
}

// pathSlug is the {slug} of the URL; one that is not slug-shaped names nothing, and never
// reaches the database.
func pathSlug(r *http.Request) (string, error) {
	slug := chi.URLParam(r, "slug")
	if !edit.ValidSlug(slug) {
		return "", edit.ErrNotFound
	}
	return slug, nil
}

// parseVersionForm reads the posted form and the version it was opened on (see
// edit.ParseVersion: a missing or bad version matches no row).
func parseVersionForm(r *http.Request) (int, error) {
	if err := r.ParseForm(); err != nil {
		return 0, badForm(err)
	}
	return edit.ParseVersion(r.PostForm.Get("version")), nil
}

// errBadForm wraps a form that could not be read at all (a body too large, a broken encoding).
type errBadForm struct{ err error }

func (e errBadForm) Error() string { return "server: bad form: " + e.err.Error() }
func (e errBadForm) Unwrap() error { return e.err }

func badForm(err error) error { return errBadForm{err} }

// redirectWithFlash answers a post that worked: 303 to the page to show, which says msg once.
func (s *Server) redirectWithFlash(w http.ResponseWriter, r *http.Request, to, msg string) error {
	s.sessions.Put(r.Context(), sessionFlash, msg)
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// nothingSaved answers a save that changed nothing: the version did not move.
const nothingSaved = "Nothing had changed, so nothing was saved."

// savedMessage is the message after a save: done, or nothingSaved when the version the form
// was opened on is still the saved one.
func savedMessage(done string, opened, saved int) string {
	if saved == opened {
		return nothingSaved
	}
	return done
}

// popFlash takes the one-off message of a signed-in person; an anonymous visitor has no
// session to take it from (and must not be given one).
func (s *Server) popFlash(r *http.Request) string {
	if !viewer(r.Context()).IsStaff() {
		return ""
	}
	return s.sessions.PopString(r.Context(), sessionFlash)
}

// confirmed reports whether a destructive action's form says the person has confirmed it on
// the page that asks (confirm=1); without it the handler shows that page and changes nothing.
func confirmed(r *http.Request) bool { return r.PostForm.Get("confirm") == "1" }

// askFirst shows the page that asks before a destructive action, carrying over the fields the
// first form sent (its version, its original) so the confirmation acts on what was shown.
func (s *Server) askFirst(w http.ResponseWriter, r *http.Request, p templates.ConfirmPage) error {
	p.Action = r.URL.Path
	p.Hidden = nil
	for _, k := range slices.Sorted(maps.Keys(r.PostForm)) {
		if k == "confirm" {
			continue
		}
		for _, v := range r.PostForm[k] {
			p.Hidden = append(p.Hidden, templates.Fact{Label: k, Value: v})
		}
	}
	return s.render(w, r, http.StatusOK, templates.Confirm(s.base(r), p))
}

// sessionUndo carries, across the redirect after a destructive action, the message saying what
// was done and the form that undoes it (templates.Undo as JSON).
const sessionUndo = "undo"

// redirectWithUndo answers a destructive action that worked: 303 to the page to show, which
// says once what was done and, when u.Action is set, offers the button that undoes it.
func (s *Server) redirectWithUndo(w http.ResponseWriter, r *http.Request, to string, u templates.Undo) error {
	b, err := json.Marshal(u)
	if err != nil {
		return err
	}
	s.sessions.Put(r.Context(), sessionUndo, string(b))
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// popUndo takes the undo a signed-in person's last destructive action left, if any.
func (s *Server) popUndo(r *http.Request) *templates.Undo {
	if !viewer(r.Context()).IsStaff() {
		return nil
	}
	raw := s.sessions.PopString(r.Context(), sessionUndo)
	if raw == "" {
		return nil
	}
	var u templates.Undo
	if json.Unmarshal([]byte(raw), &u) != nil {
		return nil
	}
	return &u
}

// confirmPage shows the page that asks before a destructive action exactly as p says (its
// Action and Hidden fields set by the caller): the GET page, or a refusal that asks again.
func (s *Server) confirmPage(w http.ResponseWriter, r *http.Request, status int, p templates.ConfirmPage) error {
	return s.render(w, r, status, templates.Confirm(s.base(r), p))
}

// versionFields are the hidden fields of a confirmation that acts on a row as shown: its
// version and its values (to say what changed should it lose a race).
func versionFields(version int, original string) []templates.Fact {
	return []templates.Fact{{Label: "version", Value: strconv.Itoa(version)}, {Label: "original", Value: original}}
}
