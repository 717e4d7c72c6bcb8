# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
MAINTAINER "Ops" <ops@example.com> C:\temp
ADD tools\setup.ps1 C:\setup\
RUN choco install -y git ; `
    pip install awscli
CMD app.exe --port 80
