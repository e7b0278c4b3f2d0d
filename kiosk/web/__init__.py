"""The live queue site residents follow on their phones (`kiosk web`, kiosk.web.app).

Part of the core: no Kivy, no screens. It only reads the queue."""
