package phone

import "testing"

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"0800 027 1234":    "08000271234",
		"+44 800 027 1234": "08000271234",
		"(01632) 960123":   "01632960123",
		"0141 496 0123":    "01414960123",
		"07700 900123":     "07700900123",
		"999":              "999",
		"116 123":          "116123",
		"0808 801 0302":    "08088010302",
		" 01698 403 200 ":  "01698403200",
	} {
		got, err := Normalize(in)
		if err != nil || got != want {
			t.Errorf("Normalize(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "abc", "12", "+1 202 555 0100", "0800 027 1234 0800 027 1234 0800 027 1234", "javascript:alert(1)", "0\x00800", "01632 96012"} {
		if got, err := Normalize(bad); err == nil {
			t.Errorf("Normalize(%q) = %q, want error", bad, got)
		}
	}
}

func TestDisplayAndTel(t *testing.T) {
	for digits, want := range map[string][2]string{
		"08000271234": {"0800 027 1234", "tel:+448000271234"},
		"01414960123": {"0141 496 0123", "tel:+441414960123"},
		"999":         {"999", "tel:999"},
		"116123":      {"116 123", "tel:116123"},
	} {
		if got := Display(digits); got != want[0] {
			t.Errorf("Display(%q) = %q, want %q", digits, got, want[0])
		}
		if got := TelURI(digits); got != want[1] {
			t.Errorf("TelURI(%q) = %q, want %q", digits, got, want[1])
		}
	}
}
