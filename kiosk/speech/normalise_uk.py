from kiosk.speech.basic import normalise_basic


def normalise(text: str) -> str:
    return normalise_basic(text, "uk")
