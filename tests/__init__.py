"""The test suite, as a regular package: an installed distribution that ships a top-level
`tests` package (textstat 0.7.13 does) would otherwise shadow this directory."""
