"""The bundled sample network behind `tieline demo`."""
