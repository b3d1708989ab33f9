package server

import (
	"github.com/go-chi/chi/v5"

	"dadirectory/internal/access"
)

// trainingRoutes registers the training pages, each group behind its own role check. Who sees
// which course, and who manages which, is decided again in the training store's SQL.
func (s *Server) trainingRoutes(r chi.Router) {
	// Everyone: public courses for the public, every course for signed-in staff.
	r.Group(func(r chi.Router) {
		r.Get("/training", s.handle(s.handleTrainingList))
		r.Get("/training/{slug}", s.handle(s.handleTrainingCourse))
		r.Get("/training/sessions/{id}.ics", s.handle(s.handleTrainingICS))
	})

	// Signed-in people book, cancel, and keep their own record.
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole())
		// A booking link followed after signing in lands on the course's page.
		r.Get("/training/sessions/{id}/book", s.handle(s.handleTrainingBookLink))
		r.Post("/training/sessions/{id}/book", s.handle(s.handleTrainingBook))
		r.Get("/training/sessions/{id}/cancel", s.handle(s.handleTrainingCancelForm))
		r.Post("/training/sessions/{id}/cancel", s.handle(s.handleTrainingCancel))
		r.Get("/training/sessions/{id}/cancelled", s.handle(s.handleTrainingCancelled))
		r.Get("/my/training", s.handle(s.handleMyTraining))
		r.Get("/my/training/certificates/{id}.pdf", s.handle(s.handleTrainingCertificate))
		r.Post("/training/sessions/{id}/offer/accept", s.handle(s.handleTrainingOfferAccept))
		r.Post("/training/sessions/{id}/offer/decline", s.handle(s.handleTrainingOfferDecline))
		// Evaluations and follow-ups of one's own attended bookings (training_eval.go).
		r.Get("/training/evaluate/{id}", s.handle(s.handleEvaluationForm))
		r.Post("/training/evaluate/{id}", s.handle(s.handleEvaluationSubmit))
		r.Get("/training/follow-up/{id}", s.handle(s.handleFollowupForm))
		r.Post("/training/follow-up/{id}", s.handle(s.handleFollowupSubmit))
	})

	// Admins manage every course; RSL officers the courses of their own organisation, once an
	// admin allows it (the store answers "not found" otherwise).
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(access.Admin, access.RSLOfficer))
		r.Get("/admin/training", s.handle(s.handleAdminTraining))
		r.Get("/admin/training/new", s.handle(s.handleCourseNew))
		r.Post("/admin/training/new", s.handle(s.handleCourseCreate))
		r.Get("/admin/training/{slug}", s.handle(s.handleCourseAdmin))
		r.Get("/admin/training/{slug}/edit", s.handle(s.handleCourseEdit))
		r.Post("/admin/training/{slug}/edit", s.handle(s.handleCourseUpdate))
		r.Post("/admin/training/{slug}/withdraw", s.handle(s.handleCourseWithdraw))
		r.Post("/admin/training/{slug}/sessions", s.handle(s.handleSessionCreate))
		r.Get("/admin/training/sessions/{id}", s.handle(s.handleSessionAdmin))
		r.Post("/admin/training/sessions/{id}", s.handle(s.handleSessionUpdate))
		r.Post("/admin/training/sessions/{id}/cancel", s.handle(s.handleSessionCancel))
		r.Post("/admin/training/sessions/{id}/attendance", s.handle(s.handleSessionAttendance))
	})

	// Admins only: the report of who has been trained, the list of people behind it for a
	// session or a course, and which organisations may provide training.
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(access.Admin))
		r.Get("/admin/training/report", s.handle(s.handleTrainingReport))
		r.Get("/admin/training/report.csv", s.handle(s.handleTrainingReportCSV))
		r.Get("/admin/training/quotes", s.handle(s.handleTrainingQuotes))
		r.Post("/admin/training/quotes", s.handle(s.handleTrainingQuoteChoose))
		r.Get("/admin/training/{slug}/evaluation", s.handle(s.handleEvalQuestions))
		r.Post("/admin/training/{slug}/evaluation", s.handle(s.handleEvalQuestionsSave))
		r.Get("/admin/training/{slug}/people", s.handle(s.handleCourseAttendanceList))
		r.Post("/admin/training/{slug}/prerequisite-overrides", s.handle(s.handleCoursePrerequisiteOverride))
		r.Get("/admin/training/{slug}/people.csv", s.handle(s.handleCourseAttendanceCSV))
		r.Get("/admin/training/sessions/{id}/people", s.handle(s.handleSessionAttendanceList))
		r.Get("/admin/training/sessions/{id}/people.csv", s.handle(s.handleSessionAttendanceCSV))
		r.Get("/admin/training/providers", s.handle(s.handleTrainingProviders))
		r.Post("/admin/training/providers", s.handle(s.handleTrainingProviderSet))
	})
}
