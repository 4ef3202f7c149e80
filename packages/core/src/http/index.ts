// The one HTTP client of the framework, on ky.
export {}
