"""Tests of the detection engine (recognizers/)."""
