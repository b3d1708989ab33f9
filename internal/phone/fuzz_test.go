package phone

import "testing"

// FuzzNormalize: anything typed either fails or gives digits that normalise to themselves
// and make a tel: link of digits only.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"0800 027 1234", "+44 (0) 1632 960123", "999", "javascript:alert(1)", "0\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		d, err := Normalize(in)
		if err != nil {
			return
		}
		for _, r := range d {
			if r < '0' || r > '9' {
				t.Fatalf("Normalize(%q) = %q: not digits", in, d)
			}
		}
		if again, err := Normalize(d); err != nil || again != d {
			t.Fatalf("Normalize(%q) = %q, but Normalize(%q) = %q, %v", in, d, d, again, err)
		}
		_ = Display(d)
		_ = TelURI(d)
	})
}
