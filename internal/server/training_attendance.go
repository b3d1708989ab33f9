package server

import (
	"bytes"
	"net/http"
	"strconv"

	"dadirectory/internal/training"
	"dadirectory/templates"
)

// The attendance list of a session or a course, as a page and as a CSV download. Admins only:
// the route group checks the role, and the store checks it again in its own code.

func (s *Server) sessionAttendance(r *http.Request) (training.Attendance, error) {
	id, err := pathID(r)
	if err != nil {
		return training.Attendance{}, err
	}
	return s.training.SessionAttendance(r.Context(), viewer(r.Context()), id, s.base(r).Site.CouncilName)
}

func (s *Server) courseAttendance(r *http.Request) (training.Attendance, error) {
	slug, err := pathSlug(r)
	if err != nil {
		return training.Attendance{}, err
	}
	return s.training.CourseAttendance(r.Context(), viewer(r.Context()), slug, s.base(r).Site.CouncilName)
}

func (s *Server) handleSessionAttendanceList(w http.ResponseWriter, r *http.Request) error {
	a, err := s.sessionAttendance(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, templates.AttendanceList(s.base(r), a))
}

func (s *Server) handleSessionAttendanceCSV(w http.ResponseWriter, r *http.Request) error {
	a, err := s.sessionAttendance(r)
	if err != nil {
		return err
	}
	return writeAttendanceCSV(w, r, a)
}

func (s *Server) handleCourseAttendanceList(w http.ResponseWriter, r *http.Request) error {
	return s.renderCoursePeople(w, r, http.StatusOK, templates.PrerequisiteOverridesSection{})
}

func (s *Server) handleCourseAttendanceCSV(w http.ResponseWriter, r *http.Request) error {
	a, err := s.courseAttendance(r)
	if err != nil {
		return err
	}
	return writeAttendanceCSV(w, r, a)
}

// writeAttendanceCSV sends the list as a download; the file name is built from a slug, a date
// and an id only, so it needs no quoting.
func writeAttendanceCSV(w http.ResponseWriter, r *http.Request, a training.Attendance) error {
	var buf bytes.Buffer
	if err := a.WriteCSV(&buf); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+a.Filename()+`"`)
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return nil
	}
	_, err := w.Write(buf.Bytes())
	return err
}
