"""Speech for audio mode: a text normaliser, TTS engines behind one interface (gTTS online,
espeak-ng offline) and a content-addressed audio cache. No Kivy here: the UI plays the files."""
