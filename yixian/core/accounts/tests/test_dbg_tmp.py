import pytest
from django.contrib.sessions.models import Session
@pytest.mark.django_db
def test_x(client):
    from yixian.core.accounts.models import User
    User.objects.create_user("zhangsan", password="Yixian@2026")
    r = client.post("/accounts/login/", {"username": "zhangsan", "password": "bad"})
    for s in Session.objects.all(): print("SESSION", s.get_decoded())
    assert 0
