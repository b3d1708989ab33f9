package server

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/go-chi/chi/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/edit"
	"dadirectory/internal/training"
	"dadirectory/internal/validate"
	"dadirectory/templates"
)

// Case consultations and coaching (issue 17): staff book and cancel a slot; admins create
// the sessions and add and change their slots. The store decides who may do what again.

func (s *Server) consultationRoutes(r chi.Router) {
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole())
		r.Post("/training/slots/{id}/book", s.handle(s.handleSlotBook))
		r.Get("/training/slots/{id}/cancel", s.handle(s.handleSlotCancelForm))
		r.Post("/training/slots/{id}/cancel", s.handle(s.handleSlotCancel))
	})
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(access.Admin))
		r.Get("/admin/training/consultations", s.handle(s.handleAdminConsultations))
		r.Post("/admin/training/consultations", s.handle(s.handleAdminConsultationCreate))
		r.Get("/admin/training/consultations/{id}", s.handle(s.handleAdminConsultation))
		r.Post("/admin/training/consultations/{id}/slots", s.handle(s.handleAdminSlotCreate))
		r.Get("/admin/training/slots/{id}", s.handle(s.handleAdminSlot))
		r.Post("/admin/training/slots/{id}", s.handle(s.handleAdminSlotUpdate))
	})
}

// consultationsURL is the list of slots; after booking or cancelling the page opens at its
// message (#flash), which is above the list: on a phone the list's anchor would hide it.
const (
	consultationsURL  = "/training#consultations"
	consultationsDone = "/training#flash"
)

// handleSlotBook books the slot for the person; a slot someone else took first, one that has
// started, or a second slot in one session is refused with a page saying why (409).
func (s *Server) handleSlotBook(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	ctx := r.Context()
	v := viewer(ctx)
	x, err := s.training.BookSlot(ctx, v, id)
	var refusal *training.Refusal
	switch {
	case err == nil:
		return s.redirectWithUndo(w, r, consultationsDone, templates.Undo{
			Message: "Booked: " + x.SessionTitle + ", " + templates.SlotWhen(x) + ", with " + templates.SlotWith(x) + ".",
			Note:    "To give the slot up, choose Cancel beside it."})
	case errors.As(err, &refusal):
		slot, err := s.training.Slot(ctx, v, id)
		if err != nil {
			return err
		}
		return s.render(w, r, http.StatusConflict, templates.SlotRefused(s.base(r), templates.SlotRefusedPage{Slot: slot, Message: refusal.Message}))
	default:
		return err
	}
}

// slotCancelAsk is the page that asks before the person gives up slot x.
func slotCancelAsk(x training.Slot) templates.ConfirmPage {
	return templates.ConfirmPage{Title: "Cancel your slot?",
		Facts: []templates.Fact{{Label: "Session", Value: x.SessionTitle}, {Label: "When", Value: templates.SlotWhen(x)},
			{Label: "With", Value: templates.SlotWith(x)}},
		Lead:   "The slot will be free for anyone else to book.",
		More:   []string{"The next page offers to book it again, if nobody has taken it meanwhile."},
		Action: "/training/slots/" + strconv.FormatInt(x.ID, 10) + "/cancel",
		Yes:    "Yes, cancel my slot", NoURL: consultationsURL, NoLabel: "No, keep it"}
}

// handleSlotCancelForm asks before cancelling; only the person who booked the slot may.
func (s *Server) handleSlotCancelForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	x, err := s.training.Slot(ctx, viewer(ctx), id)
	if err != nil {
		return err
	}
	if !x.Mine {
		return edit.ErrNotFound
	}
	return s.confirmPage(w, r, http.StatusOK, slotCancelAsk(x))
}

// handleSlotCancel gives up the person's slot once confirmed (confirm=1); a post without it
// shows the question. The result offers to book the slot again.
func (s *Server) handleSlotCancel(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	ctx := r.Context()
	v := viewer(ctx)
	if !confirmed(r) {
		return s.handleSlotCancelForm(w, r)
	}
	x, err := s.training.CancelSlot(ctx, v, id)
	if err != nil {
		return err // not theirs, or no such slot: 404
	}
	return s.redirectWithUndo(w, r, consultationsDone, templates.Undo{
		Message: "Cancelled your slot: " + x.SessionTitle + ", " + templates.SlotWhen(x) + ", with " + templates.SlotWith(x) + ".",
		Action:  "/training/slots/" + strconv.FormatInt(x.ID, 10) + "/book", Label: "Undo: book it again"})
}

func (s *Server) handleAdminConsultations(w http.ResponseWriter, r *http.Request) error {
	return s.renderAdminConsultations(w, r, http.StatusOK, templates.AdminConsultationsPage{Form: training.ConsultationInput{Kind: training.KindConsultation}})
}

func (s *Server) renderAdminConsultations(w http.ResponseWriter, r *http.Request, status int, p templates.AdminConsultationsPage) error {
	ctx := r.Context()
	list, err := s.training.Consultations(ctx, viewer(ctx))
	if err != nil {
		return err
	}
	p.List = list
	return s.render(w, r, status, templates.AdminConsultations(s.base(r), p))
}

func (s *Server) handleAdminConsultationCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	in := training.ConsultationInput{Kind: r.PostForm.Get("kind"), Title: r.PostForm.Get("title"),
		Description: r.PostForm.Get("description"), Venue: r.PostForm.Get("venue")}
	ctx := r.Context()
	id, err := s.training.CreateConsultation(ctx, viewer(ctx), in)
	var invalid validate.Errors
	switch {
	case err == nil:
		return s.redirectWithFlash(w, r, "/admin/training/consultations/"+strconv.FormatInt(id, 10), "Session added. Now add its slots.")
	case errors.As(err, &invalid):
		return s.renderAdminConsultations(w, r, http.StatusUnprocessableEntity,
			templates.AdminConsultationsPage{Form: in, Errors: templates.FieldErrors(invalid)})
	default:
		return err
	}
}

func (s *Server) renderAdminConsultation(w http.ResponseWriter, r *http.Request, status int, id int64, form training.SlotInput, errs []templates.FieldError) error {
	ctx := r.Context()
	c, err := s.training.Consultation(ctx, viewer(ctx), id)
	if err != nil {
		return err
	}
	return s.render(w, r, status, templates.AdminConsultation(s.base(r),
		templates.AdminConsultationPage{Session: c, Form: form, Errors: errs, Flash: s.popFlash(r)}))
}

func (s *Server) handleAdminConsultation(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return s.renderAdminConsultation(w, r, http.StatusOK, id, training.SlotInput{Minutes: "45"}, nil)
}

func readSlotInput(f url.Values) training.SlotInput {
	validate.JoinDate(f, "starts_at")
	return training.SlotInput{StartsAt: f.Get("starts_at"), Minutes: f.Get("minutes"), Practitioner: f.Get("practitioner"),
		PractitionerOrg: f.Get("practitioner_org")}
}

func (s *Server) handleAdminSlotCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	in := readSlotInput(r.PostForm)
	ctx := r.Context()
	x, err := s.training.AddSlot(ctx, viewer(ctx), id, in)
	var invalid validate.Errors
	switch {
	case err == nil:
		return s.redirectWithFlash(w, r, "/admin/training/consultations/"+strconv.FormatInt(id, 10),
			"Slot added: "+templates.SlotWhen(x)+", with "+templates.SlotWith(x)+".")
	case errors.As(err, &invalid):
		return s.renderAdminConsultation(w, r, http.StatusUnprocessableEntity, id, in, templates.FieldErrors(invalid))
	default:
		return err
	}
}

func (s *Server) handleAdminSlot(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	x, err := s.training.Slot(ctx, viewer(ctx), id)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, templates.AdminSlot(s.base(r), templates.AdminSlotPage{Slot: x, Form: x.Input(),
		Version: x.Version, Original: edit.Original(x.Input())}))
}

// handleAdminSlotUpdate saves a slot if nobody changed it meanwhile; otherwise it shows what
// changed (the editing kernel's conflict) with the admin's input kept.
func (s *Server) handleAdminSlotUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	version, err := parseVersionForm(r)
	if err != nil {
		return err
	}
	in := readSlotInput(r.PostForm)
	ctx := r.Context()
	v := viewer(ctx)
	x, err := s.training.UpdateSlot(ctx, v, id, version, in)
	var invalid validate.Errors
	var conflict *edit.ConflictError[training.Slot]
	switch {
	case err == nil:
		return s.redirectWithFlash(w, r, "/admin/training/consultations/"+strconv.FormatInt(x.SessionID, 10),
			savedMessage("Slot saved: "+templates.SlotWhen(x)+", with "+templates.SlotWith(x)+".", version, x.Version))
	case errors.As(err, &invalid):
		now, err := s.training.Slot(ctx, v, id)
		if err != nil {
			return err
		}
		return s.render(w, r, http.StatusUnprocessableEntity, templates.AdminSlot(s.base(r), templates.AdminSlotPage{Slot: now, Form: in,
			Version: version, Original: r.PostForm.Get("original"), Errors: templates.FieldErrors(invalid)}))
	case errors.As(err, &conflict):
		now := conflict.Current
		merged, c := training.SlotForm().Resolve(r.PostForm.Get("original"), now.Input(), in)
		return s.render(w, r, http.StatusConflict, templates.AdminSlot(s.base(r), templates.AdminSlotPage{Slot: now, Form: merged,
			Version: now.Version, Original: edit.Original(now.Input()), Conflict: c}))
	default:
		return err
	}
}
