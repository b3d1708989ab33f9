package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/directory"
	"dadirectory/internal/training"
	"dadirectory/templates"
)

// trainingRoutes registers the training pages, each group behind its own role check. Who sees
// which course, and who manages which, is decided again in the training store's SQL.
func (s *Server) trainingRoutes(r chi.Router) {
	// Everyone: public courses for the public, every course for signed-in staff.
	r.Group(func(r chi.Router) {
		r.Get("/training", s.handleTraining(s.handleTrainingList))
		r.Get("/training/{slug}", s.handleTraining(s.handleTrainingCourse))
		r.Get("/training/sessions/{id}.ics", s.handleTraining(s.handleTrainingICS))
	})

	// Signed-in people book, cancel, and keep their own record.
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole())
		// A booking link followed after signing in lands on the course's page.
		r.Get("/training/sessions/{id}/book", s.handleTraining(s.handleTrainingBookLink))
		r.Post("/training/sessions/{id}/book", s.handleTraining(s.handleTrainingBook))
		r.Post("/training/sessions/{id}/cancel", s.handleTraining(s.handleTrainingCancel))
		r.Get("/my/training", s.handleTraining(s.handleMyTraining))
	})

	// Admins manage every course; RSL officers the courses of their own organisation, once an
	// admin allows it (the store answers "not found" otherwise).
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(access.Admin, access.RSLOfficer))
		r.Get("/admin/training", s.handleTraining(s.handleAdminTraining))
		r.Get("/admin/training/new", s.handleTraining(s.handleCourseNew))
		r.Post("/admin/training/new", s.handleTraining(s.handleCourseCreate))
		r.Get("/admin/training/{slug}", s.handleTraining(s.handleCourseAdmin))
		r.Get("/admin/training/{slug}/edit", s.handleTraining(s.handleCourseEdit))
		r.Post("/admin/training/{slug}/edit", s.handleTraining(s.handleCourseUpdate))
		r.Post("/admin/training/{slug}/withdraw", s.handleTraining(s.handleCourseWithdraw))
		r.Post("/admin/training/{slug}/sessions", s.handleTraining(s.handleSessionCreate))
		r.Get("/admin/training/sessions/{id}", s.handleTraining(s.handleSessionAdmin))
		r.Post("/admin/training/sessions/{id}", s.handleTraining(s.handleSessionUpdate))
		r.Post("/admin/training/sessions/{id}/cancel", s.handleTraining(s.handleSessionCancel))
		r.Post("/admin/training/sessions/{id}/attendance", s.handleTraining(s.handleSessionAttendance))
	})

	// Admins only: the report of who has been trained, and which organisations may provide
	// training.
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(access.Admin))
		r.Get("/admin/training/report", s.handleTraining(s.handleTrainingReport))
		r.Get("/admin/training/report.csv", s.handleTraining(s.handleTrainingReportCSV))
		r.Get("/admin/training/providers", s.handleTraining(s.handleTrainingProviders))
		r.Post("/admin/training/providers", s.handleTraining(s.handleTrainingProviderSet))
	})
}

// trainingStore is the training feature over the server's pool. It holds nothing but the
// pool, so making one per request costs nothing.
func (s *Server) trainingStore() *training.Store { return training.NewStore(s.db) }

// handleTraining is handle for training pages: the store's "not found" is a 404 like any other.
func (s *Server) handleTraining(h handlerFunc) http.HandlerFunc {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		err := h(w, r)
		if errors.Is(err, training.ErrNotFound) {
			return errPageNotFound
		}
		return err
	})
}

// sessionID is the {id} of the URL; anything but a positive number is a page that does not exist.
func sessionID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errPageNotFound
	}
	return id, nil
}

// courseSlug is the {slug} of the URL; one that is not slug-shaped names no course.
func courseSlug(r *http.Request) (string, error) {
	slug := chi.URLParam(r, "slug")
	if slug == "" || len(slug) > 80 || strings.Trim(slug, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
		return "", errPageNotFound
	}
	return slug, nil
}

// popFlash takes the one-off message of a signed-in person; an anonymous visitor has no
// session to take it from (and must not be given one).
func (s *Server) popFlash(r *http.Request) string {
	if !viewer(r.Context()).IsStaff() {
		return ""
	}
	return s.sessions.PopString(r.Context(), sessionFlash)
}

// conflictOf turns the training store's changes into the conflict panel's.
func conflictOf(changes []training.Change, editing, startUnknown bool) *templates.Conflict {
	c := &templates.Conflict{Editing: editing, StartUnknown: startUnknown}
	for _, ch := range changes {
		c.Changes = append(c.Changes, directory.Change{Field: ch.Field, Label: ch.Label, Was: ch.Was, Now: ch.Now,
			Yours: ch.Yours, Clash: ch.Clash, WasKnown: ch.WasKnown})
	}
	return c
}
